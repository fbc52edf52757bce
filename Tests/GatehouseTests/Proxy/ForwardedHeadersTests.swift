import Gatehouse
import HTTPTypes
import Testing

@Suite struct ForwardedHeadersTests {
    let forwarded = ForwardedHeaders(trustedProxies: [IPAddressRange("10.0.0.0/8")!])

    func fields(_ pairs: [(String, String)]) -> HTTPFields {
        HTTPFields(pairs.map { HTTPField(name: HTTPField.Name($0.0)!, value: $0.1) })
    }

    @Test func untrustedClientsValuesAreReplaced() {
        let incoming = fields([
            ("X-Forwarded-For", "6.6.6.6"), ("x_forwarded_for", "7.7.7.7"), ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "evil"), ("Forwarded", "for=6.6.6.6"), ("Accept", "*/*"),
        ])
        let result = forwarded.apply(to: incoming, clientAddress: "192.0.2.1", host: "app.example.com", scheme: "http")
        #expect(result[values: HTTPField.Name("X-Forwarded-For")!] == ["192.0.2.1"])
        #expect(result[HTTPField.Name("X-Forwarded-Proto")!] == "http")
        #expect(result[HTTPField.Name("X-Forwarded-Host")!] == "app.example.com")
        #expect(result[HTTPField.Name("Forwarded")!] == nil)
        #expect(result[.accept] == "*/*")
        #expect(result.count == 4)
    }

    @Test func trustedProxysChainIsExtended() {
        let incoming = fields([("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "app.example.com")])
        let result = forwarded.apply(to: incoming, clientAddress: "10.1.2.3", host: "internal:8080", scheme: "http")
        #expect(result[HTTPField.Name("X-Forwarded-For")!] == "203.0.113.9, 10.1.2.3")
        #expect(result[HTTPField.Name("X-Forwarded-Proto")!] == "https")
        #expect(result[HTTPField.Name("X-Forwarded-Host")!] == "app.example.com")
    }

    @Test func underscoreSpellingIsDroppedEvenFromATrustedProxy() {
        let incoming = fields([("X_Forwarded_For", "6.6.6.6")])
        let result = forwarded.apply(to: incoming, clientAddress: "10.1.2.3", host: nil, scheme: "http")
        #expect(result[values: HTTPField.Name("X-Forwarded-For")!] == ["10.1.2.3"])
        #expect(!result.contains { $0.name.rawName == "X_Forwarded_For" })
    }

    @Test func clientAddressSkipsTrustedHops() {
        let incoming = fields([("X-Forwarded-For", "203.0.113.9, 10.0.0.5")])
        #expect(forwarded.clientAddress(peer: "10.1.2.3", fields: incoming) == "203.0.113.9")
        #expect(forwarded.clientAddress(peer: "192.0.2.1", fields: incoming) == "192.0.2.1")
    }
}
