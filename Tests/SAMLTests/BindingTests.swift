import CompressNIO
import Foundation
import NIOCore
import SAML
import Testing
import XMLSecurity

@Suite struct BindingTests {
    static func request() -> AuthnRequest {
        var request = AuthnRequest(
            id: "_req-3c8d41a2", issueInstant: Fixture.instant, destination: "https://idp.example.com/sso/redirect",
            assertionConsumerServiceURL: Fixture.acsURL, issuer: Fixture.spEntityID, nameIDFormat: NameIDFormat.emailAddress)
        request.forceAuthn = true
        request.requestedAuthnContextClassRefs = ["urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"]
        return request
    }

    static func parameters(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            result[String(parts[0])] = String(parts[1]).removingPercentEncoding
        }
        return result
    }

    @Test func authnRequestXMLHasEveryRequestedField() throws {
        let root = try XMLDocument(parsing: Self.request().xml).root
        #expect(root.isNamed("AuthnRequest", namespace: SAMLNamespace.samlp))
        #expect(root.attribute("ID") == "_req-3c8d41a2")
        #expect(root.attribute("IssueInstant") == "2026-06-01T12:00:00Z")
        #expect(root.attribute("Destination") == "https://idp.example.com/sso/redirect")
        #expect(root.attribute("AssertionConsumerServiceURL") == Fixture.acsURL)
        #expect(root.attribute("ProtocolBinding") == SAMLBinding.httpPOST)
        #expect(root.attribute("ForceAuthn") == "true")
        #expect(root.attribute("IsPassive") == nil)
        #expect(root.firstChild(named: "Issuer", namespace: SAMLNamespace.assertion)?.textContent == Fixture.spEntityID)
        #expect(root.firstChild(named: "NameIDPolicy", namespace: SAMLNamespace.samlp)?.attribute("Format") == NameIDFormat.emailAddress)
        let context = root.firstChild(named: "RequestedAuthnContext", namespace: SAMLNamespace.samlp)
        #expect(context?.attribute("Comparison") == "exact")
        #expect(context?.children.count == 1)
    }

    @Test func redirectEncodingInflatesBackToTheRequest() throws {
        let request = Self.request()
        let query = try HTTPRedirectBinding.encode(request.xml, relayState: "k/8+x=1&y")
        let parameters = Self.parameters(query)
        #expect(parameters["RelayState"] == "k/8+x=1&y")
        #expect(parameters["Signature"] == nil)
        // Inflate independently of the binding code: raw DEFLATE, no zlib header.
        let encoded = try #require(parameters["SAMLRequest"])
        var buffer = ByteBuffer(bytes: try #require(Data(base64Encoded: encoded)))
        var inflated = try buffer.decompress(with: .deflate())
        #expect(inflated.readString(length: inflated.readableBytes) == request.xml)
        let decoded = try RedirectMessage(query: query)
        #expect(decoded.xml == Array(request.xml.utf8))
        #expect(decoded.relayState == "k/8+x=1&y")
    }

    @Test(arguments: [SignatureAlgorithm.rsaSHA256, .rsaSHA512])
    func signedRedirectSignatureCoversTheExactQueryString(_ algorithm: SignatureAlgorithm) throws {
        let query = try HTTPRedirectBinding.encode(
            Self.request().xml, relayState: "abc", signingKey: try Fixture.signingKey("sp"), algorithm: algorithm)
        let signatureStart = try #require(query.range(of: "&Signature="))
        let signedPart = String(query[..<signatureStart.lowerBound])
        #expect(signedPart.hasPrefix("SAMLRequest="))
        #expect(signedPart.contains("&RelayState=abc&SigAlg="))
        let encodedSignature = try #require(Self.parameters(query)["Signature"])
        let signature = try #require(Data(base64Encoded: encodedSignature))
        let index = try SignatureVerifier.verifyDetached(
            Array(signedPart.utf8), signature: [UInt8](signature), algorithm: algorithm, trustedKeys: [try Fixture.trustedKey("sp")])
        #expect(index == 0)
        // The receiving side verifies the same bytes; a foreign key does not.
        let message = try RedirectMessage(query: query)
        try message.verifySignature(trustedKeys: [try Fixture.trustedKey("sp")])
        let error = #expect(throws: SAMLValidationError.self) {
            try message.verifySignature(trustedKeys: [try Fixture.trustedKey("attacker")])
        }
        #expect(error?.code == .signatureInvalid)
    }

    @Test func tamperedRedirectQueryFailsVerification() throws {
        let query = try HTTPRedirectBinding.encode(Self.request().xml, relayState: "abc", signingKey: try Fixture.signingKey("sp"))
        let tampered = query.replacingOccurrences(of: "RelayState=abc", with: "RelayState=abd")
        let error = #expect(throws: SAMLValidationError.self) {
            try RedirectMessage(query: tampered).verifySignature(trustedKeys: [try Fixture.trustedKey("sp")])
        }
        #expect(error?.code == .signatureInvalid)
    }

    @Test func unsignedRedirectMessageHasNoSignatureToVerify() throws {
        let message = try RedirectMessage(query: try HTTPRedirectBinding.encode(Self.request().xml))
        let error = #expect(throws: SAMLValidationError.self) {
            try message.verifySignature(trustedKeys: [try Fixture.trustedKey("sp")])
        }
        #expect(error?.code == .signatureMissing)
    }

    @Test(arguments: ["", "SAMLRequest=%%%", "SAMLRequest=AAAA", "SAMLRequest=a&SAMLRequest=b", "RelayState=x"])
    func brokenRedirectQueryIsMalformed(_ query: String) {
        let error = #expect(throws: SAMLValidationError.self) { try RedirectMessage(query: query) }
        #expect(error?.code == .malformed)
    }

    @Test func postBindingSignsTheRequestWithAnEnvelopedSignature() throws {
        let value = try HTTPPostBinding.encode(Self.request().xml, signingKey: try Fixture.signingKey("sp"))
        let xml = try #require(Data(base64Encoded: value))
        let document = try XMLDocument(parsing: [UInt8](xml))
        let verified = try SignatureVerifier.verify(document.root, trustedKeys: [try Fixture.trustedKey("sp")])
        #expect(verified.element.attribute("ID") == "_req-3c8d41a2")
        let form = HTTPPostBinding.form(action: "https://idp.example.com/sso/post", parameter: .request, value: value, relayState: "r\"<")
        #expect(form.contains("name=\"SAMLRequest\" value=\"\(value)\""))
        #expect(form.contains("value=\"r&quot;&lt;\""))
    }

    @Test func requestIDsAreFreshAndXMLSafe() {
        let ids = Set((0..<100).map { _ in AuthnRequest.makeID() })
        #expect(ids.count == 100)
        #expect(ids.allSatisfy { $0.hasPrefix("_") && $0.count == 33 })
    }
}
