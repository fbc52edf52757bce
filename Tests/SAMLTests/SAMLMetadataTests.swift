import Foundation
import SAML
import Testing
import XMLSecurity

@Suite struct SAMLMetadataTests {
    @Test func singleEntityIsParsedWithKeysEndpointsAndValidity() throws {
        let metadata = try SAMLMetadata(parsing: try Fixture.bytes("saml/metadata/idp.xml"))
        #expect(!metadata.isAggregate)
        #expect(metadata.entities.count == 1)
        let entity = try #require(metadata.entity(Fixture.idpEntityID))
        let idp = try #require(entity.identityProvider)
        // idp-rsa (use="signing") and idp-rsa2 (no use: both); sp.crt is encryption only.
        #expect(idp.signingCertificates.map(\.subject) == ["CN=Test IdP RSA", "CN=Test IdP RSA rollover"])
        #expect(idp.encryptionCertificates.map(\.subject) == ["CN=Test IdP RSA rollover", "CN=Test SP"])
        #expect(idp.signingCertificates[1].use == .both)
        #expect(idp.singleSignOnService(binding: SAMLBinding.httpRedirect)?.location == "https://idp.example.com/sso/redirect")
        #expect(idp.singleSignOnService(binding: SAMLBinding.httpPOST)?.location == "https://idp.example.com/sso/post")
        #expect(idp.singleLogoutServices.count == 2)
        #expect(idp.nameIDFormats == [NameIDFormat.emailAddress, NameIDFormat.persistent])
        #expect(idp.wantAuthnRequestsSigned)
        #expect(entity.validUntil == SAMLInstant.parse("2036-07-01T00:00:00Z"))
        #expect(entity.cacheDuration == 21_600.0)
    }

    @Test func certificateInfoHasSubjectExpiryAndFingerprint() throws {
        let metadata = try SAMLMetadata(parsing: try Fixture.bytes("saml/metadata/idp.xml"))
        let certificate = try #require(metadata.entities.first?.identityProvider?.signingCertificates.first)
        #expect(certificate.notValidAfter == SAMLInstant.parse("2100-01-01T00:00:00Z"))
        #expect(certificate.sha256Fingerprint.count == 32 * 3 - 1)
        #expect(certificate.sha256Fingerprint.allSatisfy { $0.isHexDigit && !$0.isLowercase || $0 == ":" })
        #expect(!certificate.isExpired(at: Fixture.instant))
        #expect(certificate.isExpired(at: SAMLInstant.parse("2100-01-01T00:00:00Z")!))
        #expect(certificate.expires(within: 86_400 * 40, of: SAMLInstant.parse("2099-12-01T00:00:00Z")!))
    }

    @Test func aggregateWithNestedEntitiesDescriptorIsFlattened() throws {
        let metadata = try SAMLMetadata(parsing: try Fixture.bytes("saml/metadata/aggregate.xml"))
        #expect(metadata.isAggregate)
        #expect(metadata.name == "urn:example:federation")
        #expect(metadata.entities.count == 8)
        #expect(metadata.identityProviderEntities.count == 7)
        #expect(try metadata.identityProviders().count == 7)
        // Validity is inherited: the nested aggregate's validUntil is earlier than the outer one.
        let okta = try #require(metadata.entity("http://www.okta.com/exk1fcia6d6EMsf331d8"))
        #expect(okta.validUntil == SAMLInstant.parse("2026-06-10T00:00:00Z"))
        #expect(okta.cacheDuration == 43_200.0)
        let main = try #require(metadata.entity(Fixture.idpEntityID))
        #expect(main.validUntil == SAMLInstant.parse("2026-06-15T00:00:00Z"))
        #expect(main.cacheDuration == 21_600.0)
        #expect(metadata.entity("https://wiki.example.com/shibboleth")?.hasServiceProviderRole == true)
    }

    @Test func signedAggregateVerifiesAgainstTheConfiguredCertificateOnly() throws {
        let bytes = try Fixture.bytes("saml/metadata/aggregate-signed.xml")
        let verified = try SAMLMetadata(parsing: bytes, trustedKeys: [try Fixture.trustedKey("idp-rsa2")])
        #expect(verified.signatureVerified)
        #expect(verified.entities.count == 8)
        let error = #expect(throws: MetadataError.self) {
            try SAMLMetadata(parsing: bytes, trustedKeys: [try Fixture.trustedKey("idp-rsa")])
        }
        #expect(error?.code == .signatureInvalid)
        let unsigned = #expect(throws: MetadataError.self) {
            try SAMLMetadata(parsing: try Fixture.bytes("saml/metadata/aggregate.xml"), trustedKeys: [try Fixture.trustedKey("idp-rsa2")])
        }
        #expect(unsigned?.code == .signatureInvalid)
    }

    @Test func tamperedSignedAggregateIsRefused() throws {
        let text = try Fixture.text("saml/metadata/aggregate-signed.xml")
            .replacingOccurrences(of: "https://adfs.example.com/adfs/ls/", with: "https://evil.example/adfs/ls/")
        let error = #expect(throws: MetadataError.self) {
            try SAMLMetadata(parsing: text, trustedKeys: [try Fixture.trustedKey("idp-rsa2")])
        }
        #expect(error?.code == .signatureInvalid)
    }

    @Test(arguments: [
        "<x/>", "not xml", "<!DOCTYPE a><md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"a\"/>",
    ])
    func nonMetadataIsRefused(_ text: String) {
        let error = #expect(throws: MetadataError.self) { try SAMLMetadata(parsing: text) }
        #expect(error?.code == .malformed)
    }

    @Test func inspectionReportListsEntitiesCertificatesAndWarnings() throws {
        let metadata = try SAMLMetadata(parsing: try Fixture.bytes("saml/metadata/aggregate.xml"))
        let report = MetadataInspection.report(metadata, now: Fixture.instant)
        #expect(report.contains("entity https://keycloak.example.com/realms/acme"))
        #expect(report.contains("SSO HTTP-POST: https://keycloak.example.com/realms/acme/protocol/saml"))
        #expect(report.contains("certificate (signing): CN=Test IdP RSA"))
        #expect(report.contains("SHA-256: "))
        #expect(report.contains("metadata expires at 2026-06-10T00:00:00Z"))
        let later = MetadataInspection.warnings(metadata, now: SAMLInstant.parse("2099-12-15T00:00:00Z")!)
        #expect(later.contains { $0.contains("metadata expired") })
        #expect(later.contains { $0.contains("signing certificate CN=Test IdP RSA expires at 2100-01-01T00:00:00Z") })
    }
}
