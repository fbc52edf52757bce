import Foundation
import Testing
import XMLSecurity

@Suite struct SignTests {
    static let authnRequest = """
        <samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" \
        ID="_req42" Version="2.0" IssueInstant="2026-06-01T12:00:00Z" Destination="https://idp.example.com/sso" \
        AssertionConsumerServiceURL="https://sp.example.com/saml/acs"><saml:Issuer>https://sp.example.com</saml:Issuer>\
        <samlp:NameIDPolicy AllowCreate="true"/></samlp:AuthnRequest>
        """

    /// Runs Debian's xmlsec1 CLI (an independent verifier) on `xml`; returns its exit status.
    static func xmlsec1Verify(_ xml: [UInt8], certificate: String) throws -> Int32 {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-sign-\(UUID().uuidString).xml")
        try Data(xml).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmlsec1")
        process.arguments = [
            "--verify", "--enabled-key-data", "key-name", "--pubkey-cert-pem",
            Fixture.root.appendingPathComponent("keys/\(certificate).crt").path,
            "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest", file.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(arguments: [("idp-rsa", SignatureAlgorithm.rsaSHA256), ("idp-ec", .ecdsaSHA256)])
    func ourSignatureVerifiesWithXmlsec1AndWithUs(_ key: String, _ algorithm: SignatureAlgorithm) throws {
        let signed = try Signer.signEnveloped(Array(Self.authnRequest.utf8), key: Fixture.signingKey(key), algorithm: algorithm)
        #expect(try Self.xmlsec1Verify(signed, certificate: key) == 0)
        let document = try XMLDocument(parsing: signed)
        // SAML schema order: Signature directly after Issuer.
        #expect(document.root.children.map(\.localName) == ["Issuer", "Signature", "NameIDPolicy"])
        let verified = try SignatureVerifier.verify(document.root, trustedKeys: [Fixture.trustedKey(key)])
        #expect(verified.signatureAlgorithm == algorithm)
    }

    @Test func tamperingAfterSigningIsCaughtByXmlsec1() throws {
        let signed = try Signer.signEnveloped(Array(Self.authnRequest.utf8), key: Fixture.signingKey("idp-rsa"))
        let tampered = String(decoding: signed, as: UTF8.self).replacingOccurrences(of: "sp.example.com/saml/acs", with: "evil.example/acs")
        #expect(try Self.xmlsec1Verify(Array(tampered.utf8), certificate: "idp-rsa") != 0)
        #expect(try Self.xmlsec1Verify(signed, certificate: "attacker") != 0)
    }

    @Test func signingNeedsAnID() throws {
        let error = #expect(throws: XMLSecurityError.self) {
            try Signer.signEnveloped(Array("<a><b/></a>".utf8), key: Fixture.signingKey("idp-rsa"))
        }
        #expect(error?.code == .missingID)
    }

    @Test(arguments: [("idp-rsa", SignatureAlgorithm.rsaSHA256), ("idp-ec", .ecdsaSHA256), ("idp-rsa", .rsaSHA512)])
    func detachedSignatureRoundTrips(_ key: String, _ algorithm: SignatureAlgorithm) throws {
        let query = Array("SAMLRequest=abc&RelayState=xyz&SigAlg=\(algorithm.rawValue)".utf8)
        let signature = try Signer.signDetached(query, key: Fixture.signingKey(key), algorithm: algorithm)
        let keys = try [Fixture.trustedKey("attacker"), Fixture.trustedKey(key)]
        #expect(try SignatureVerifier.verifyDetached(query, signature: signature, algorithm: algorithm, trustedKeys: keys) == 1)
        var altered = query
        altered[0] ^= 1
        let error = #expect(throws: XMLSecurityError.self) {
            try SignatureVerifier.verifyDetached(altered, signature: signature, algorithm: algorithm, trustedKeys: keys)
        }
        #expect(error?.code == .signatureMismatch)
    }

    @Test func publicKeyCannotSign() throws {
        let error = #expect(throws: XMLSecurityError.self) {
            try SigningKey(privateKeyPEM: Fixture.text("keys/idp-rsa.crt"))
        }
        #expect(error?.code == .invalidKey)
    }
}
