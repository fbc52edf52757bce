import SAML
import Testing
import XMLSecurity

@Suite struct ServiceProviderMetadataTests {
    static func metadata() throws -> ServiceProviderMetadata {
        var metadata = ServiceProviderMetadata(entityID: Fixture.spEntityID, assertionConsumerServiceURL: Fixture.acsURL)
        metadata.singleLogoutServices = [
            Endpoint(binding: SAMLBinding.httpRedirect, location: "https://sp.example.com/saml/slo"),
            Endpoint(binding: SAMLBinding.httpPOST, location: "https://sp.example.com/saml/slo"),
        ]
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

    @Test func anECKeySignsWithECDSAAndOnlyItsCertificateVerifies() throws {
        let signed = try Self.metadata().signed(with: try Fixture.signingKey("idp-ec"))
        let document = try XMLDocument(parsing: signed)
        let method = document.root.descendants(named: "SignatureMethod", namespace: SAMLNamespace.xmldsig).first
        #expect(method?.attribute("Algorithm") == SignatureAlgorithm.ecdsaSHA256.rawValue)
        _ = try SignatureVerifier.verify(document.root, trustedKeys: [try Fixture.trustedKey("idp-ec")])
        let error = #expect(throws: XMLSecurityError.self) {
            try SignatureVerifier.verify(document.root, trustedKeys: [try Fixture.trustedKey("idp-ec384")])
        }
        #expect(error?.code == .untrustedKey || error?.code == .signatureMismatch)
    }

    @Test func singleLogoutServicesAreAdvertisedOnlyWhenGiven() throws {
        var metadata = ServiceProviderMetadata(entityID: Fixture.spEntityID, assertionConsumerServiceURL: Fixture.acsURL)
        let none = try XMLDocument(parsing: metadata.xml).root
        #expect(none.descendants(named: "SingleLogoutService", namespace: SAMLNamespace.metadata).isEmpty)
        metadata.singleLogoutServices = [
            Endpoint(
                binding: SAMLBinding.httpRedirect, location: "https://sp.example.com/saml/slo",
                responseLocation: "https://sp.example.com/saml/slo/done")
        ]
        let one = try XMLDocument(parsing: metadata.xml).root.descendants(named: "SingleLogoutService", namespace: SAMLNamespace.metadata)
        #expect(one.map { $0.attribute("Binding") } == [SAMLBinding.httpRedirect])
        #expect(one.first?.attribute("ResponseLocation") == "https://sp.example.com/saml/slo/done")
    }
}
