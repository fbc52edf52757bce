import Foundation
import Testing
import XMLSecurity

@Suite struct ParseTests {
    @Test func libraryABIMatchesHeaders() throws {
        // Debian builds xmlsec with XMLSEC_NO_SIZE_T: xmlSecSize is 4 bytes, not size_t.
        try XMLSecurityLibraryInfo.check()
        #expect(XMLSecurityLibraryInfo.xmlSecSizeWidth == 4)
    }

    @Test(arguments: [
        "doctype-xxe.xml", "doctype-xxe-etc-passwd.xml", "billion-laughs.xml", "doctype-internal-only.xml", "external-dtd.xml",
    ])
    func anyDoctypeIsRefused(_ name: String) throws {
        let error = #expect(throws: XMLSecurityError.self) { try Fixture.document(name) }
        #expect(error?.code == .doctypeForbidden)
    }

    @Test func externalEntityContentAppearsNowhere() throws {
        let bytes = try Fixture.bytes("xmlsec/doctype-xxe.xml")
        let secret = try Fixture.text("xmlsec/secret.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            let document = try XMLDocument(parsing: bytes)
            Issue.record("parsed: \(document.serialized())")
        } catch {
            #expect(!error.description.contains(secret))
            #expect(!error.detail.contains("root:"))
        }
    }

    @Test func billionLaughsIsRefusedFast() throws {
        let bytes = try Fixture.bytes("xmlsec/billion-laughs.xml")
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = try? XMLDocument(parsing: bytes) }
        #expect(elapsed < .milliseconds(500))
    }

    @Test func oversizedInputIsRefusedBeforeParsing() throws {
        let big = Array("<a>\(String(repeating: "x", count: 2_000))</a>".utf8)
        let error = #expect(throws: XMLSecurityError.self) {
            try XMLDocument(parsing: big, limits: ParseLimits(maxBytes: 1_000))
        }
        #expect(error?.code == .tooLarge)
    }

    @Test func deepNestingIsRefused() throws {
        let error = #expect(throws: XMLSecurityError.self) { try Fixture.document("deep-nesting.xml") }
        #expect(error?.code == .tooDeep || error?.code == .malformed)
        let forty = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        let limited = #expect(throws: XMLSecurityError.self) {
            try XMLDocument(parsing: forty, limits: ParseLimits(maxDepth: 30))
        }
        #expect(limited?.code == .tooDeep)
        #expect(throws: Never.self) { try XMLDocument(parsing: forty, limits: ParseLimits(maxDepth: 40)) }
    }

    @Test func malformedInputIsATypedError() throws {
        for input in ["", "not xml", "<a><b></a>", "<a>&undefined;</a>"] {
            let error = #expect(throws: XMLSecurityError.self) { try XMLDocument(parsing: input) }
            #expect(error?.code == .malformed, "\(input)")
        }
        let error = #expect(throws: XMLSecurityError.self) { try Fixture.document("not-well-formed.xml") }
        #expect(error?.code == .malformed)
    }

    @Test func textContentJoinsTextSplitByComments() throws {
        let document = try Fixture.document("comment-in-nameid.xml")
        let nameID = document.root.descendants(named: "NameID", namespace: Fixture.samlAssertion).first
        #expect(nameID?.textContent == "user@example.com.evil.example")
        #expect(nameID?.hasNonTextContent == true)
    }

    @Test func navigationReadsNamesAttributesAndNamespaces() throws {
        let document = try Fixture.document("valid-rsa-sha256.xml")
        let root = document.root
        #expect(root.localName == "Response")
        #expect(root.namespaceURI == Fixture.samlProtocol)
        #expect(root.attribute("ID") == "_resp1")
        #expect(root.namespaceURI(forPrefix: "saml") == Fixture.samlAssertion)
        let assertion = try #require(Fixture.assertion(in: document))
        #expect(assertion.parent == root)
        #expect(document.idOccurrences("_assert1") == 1)
    }
}
