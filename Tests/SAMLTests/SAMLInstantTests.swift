import Foundation
import SAML
import Testing

@Suite struct SAMLInstantTests {
    @Test(arguments: [
        ("2026-06-01T12:00:00Z", 1_780_315_200.0), ("2026-06-01T12:00:00.517Z", 1_780_315_200.517),
        ("2026-06-01T14:00:00+02:00", 1_780_315_200.0), ("1970-01-01T00:00:00Z", 0),
    ])
    func parsesSAMLDateTimes(_ text: String, _ seconds: Double) throws {
        let date = try #require(SAMLInstant.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.0005)
    }

    @Test(arguments: [
        "", "2026-06-01", "2026-13-01T00:00:00Z", "2026-06-01T12:00:00", "2026-06-01T12:00:00.Z", "２０２６-06-01T12:00:00Z",
        "2026-06-01T12:00:00Zjunk",
    ])
    func refusesMalformedDateTimes(_ text: String) {
        #expect(SAMLInstant.parse(text) == nil)
    }

    @Test func formatsRoundTrip() {
        let date = Date(timeIntervalSince1970: 1_780_315_200)
        #expect(SAMLInstant.format(date) == "2026-06-01T12:00:00Z")
        #expect(SAMLInstant.parse(SAMLInstant.format(date)) == date)
    }
}
