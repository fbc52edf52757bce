import SAML
import Testing
import XMLSecurity

@Suite struct ServiceProviderMetadataTests {
    static func metadata() throws -> ServiceProviderMetadata {
        var metadata = ServiceProviderMetadata(entityID: Fixture.spEntityID, assertionConsumerServiceURL: Fixture.acsURL)
        metadata.singleLogoutServiceURL = "https://sp.example.com/saml/slo"
        metadata.signingCertificateDER = ServiceProviderMetadata.certificateDER(pem: try Fixture.key("sp.crt"))
        metadata.encryptionCertificatesDER = [try #require(ServiceProviderMetadata.certificateDER(pem: try Fixture.key("sp.crt")))]
        metadata.authnRequestsSigned = true
        metadata.nameIDFormats = [NameIDFormat.emailAddress]
        return metadata
    }

    @Test func spMetadataParsesWithEveryAdvertisedField() throws {
        let root = try XMLDocument(parsing: try Self.metadata().xml).root
        #expect(root.attribute("entityID") == Fixture.spEntityID)
        let sp = try #require(root.firstChild(named: "SPSSODescriptor", namespace: SAMLNamespace.metadata))
        #expect(sp.attribute("AuthnRequestsSigned") == "true")
        #expect(sp.attribute("WantAssertionsSigned") == "true")
        let acs = sp.children(named: "AssertionConsumerService", namespace: SAMLNamespace.metadata)
        #expect(acs.map { $0.attribute("Location") } == [Fixture.acsURL])
        #expect(acs.first?.attribute("Binding") == SAMLBinding.httpPOST)
        #expect(sp.children(named: "SingleLogoutService", namespace: SAMLNamespace.metadata).count == 2)
        let keys = sp.children(named: "KeyDescriptor", namespace: SAMLNamespace.metadata)
        #expect(keys.map { $0.attribute("use") } == ["signing", "encryption"])
        let methods = keys[1].children(named: "EncryptionMethod", namespace: SAMLNamespace.metadata).compactMap {
            $0.attribute("Algorithm")
        }
        #expect(methods.first == "http://www.w3.org/2009/xmlenc11#aes256-gcm")
        #expect(!methods.contains { $0.contains("cbc") || $0.contains("rsa-1_5") })
        // The certificate written is the one configured.
        let certificate = keys[0].descendants(named: "X509Certificate", namespace: SAMLNamespace.xmldsig).first?.textContent
        _ = try TrustedKey(certificateDER: try #require(certificate.flatMap { Fixture.base64($0) }))
    }

    @Test func signedSPMetadataVerifiesWithTheSPCertificate() throws {
        let signed = try Self.metadata().signed(with: try Fixture.signingKey("sp"))
        let document = try XMLDocument(parsing: signed)
        _ = try SignatureVerifier.verify(document.root, trustedKeys: [try Fixture.trustedKey("sp")])
        let error = #expect(throws: XMLSecurityError.self) {
            try SignatureVerifier.verify(document.root, trustedKeys: [try Fixture.trustedKey("sp2")])
        }
        #expect(error?.code == .untrustedKey || error?.code == .signatureMismatch)
    }
}
