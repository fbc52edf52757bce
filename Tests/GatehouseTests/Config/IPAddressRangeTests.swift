import Gatehouse
import Testing

@Suite struct IPAddressRangeTests {
    @Test func ipv4RangeContainsItsAddresses() throws {
        let range = try #require(IPAddressRange("10.1.0.0/16"))
        #expect(range.contains("10.1.200.3"))
        #expect(!range.contains("10.2.0.1"))
        #expect(range.contains("::ffff:10.1.0.9"))
        #expect(!range.contains("fe80::1"))
    }

    @Test func bareAddressIsASingleHost() throws {
        let range = try #require(IPAddressRange("127.0.0.1"))
        #expect(range.contains("127.0.0.1"))
        #expect(!range.contains("127.0.0.2"))
    }

    @Test func ipv6RangesWork() throws {
        let loopback = try #require(IPAddressRange("::1"))
        #expect(loopback.contains("0:0:0:0:0:0:0:1"))
        let ula = try #require(IPAddressRange("fd00::/8"))
        #expect(ula.contains("fd12:3456::1"))
        #expect(!ula.contains("fe80::1"))
        #expect(ula.description == "fd00:0:0:0:0:0:0:0/8")
    }

    @Test(arguments: [
        "", "10.0.0.0/33", "10.0.0/8", "256.0.0.1", "::1/129", "1:2:3:4:5:6:7:8:9", "1::2::3", "x", "10.0.0.1/-1", "10.0.0.1/+8",
    ])
    func malformedRangesAreRefused(_ text: String) {
        #expect(IPAddressRange(text) == nil)
    }
}
