import SAML
import Testing

/// Responses shaped like real IdPs, mapped the way an admin would configure the header map.
@Suite struct InteropTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        var file: String
        var issuer: String
        var email: String
        var givenName: String
        var surname: String
        var groups: String
        var testDescription: String { file }
    }

    static let claims = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
    static let shapes = [
        Shape(
            file: "okta", issuer: "http://www.okta.com/exk1fcia6d6EMsf331d8", email: "email", givenName: "firstName", surname: "lastName",
            groups: "groups"),
        Shape(
            file: "entra-id", issuer: "https://sts.windows.net/8f3b2c1a-4d5e-4f60-9a7b-0c1d2e3f4a5b/", email: claims + "emailaddress",
            givenName: claims + "givenname", surname: claims + "surname",
            groups: "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"),
        Shape(
            file: "adfs", issuer: "http://adfs.example.com/adfs/services/trust", email: claims + "emailaddress",
            givenName: claims + "givenname",
            surname: claims + "surname", groups: "http://schemas.xmlsoap.org/claims/Group"),
        Shape(
            file: "google-workspace", issuer: "https://accounts.google.com/o/saml2?idpid=C01abcde2", email: "email",
            givenName: "first_name", surname: "last_name", groups: "groups"),
        Shape(
            file: "keycloak", issuer: "https://keycloak.example.com/realms/acme", email: "email", givenName: "givenName",
            surname: "surname", groups: "groups"),
        Shape(
            file: "simplesamlphp", issuer: "https://simplesaml.example.com/saml2/idp/metadata.php", email: "mail", givenName: "givenName",
            surname: "sn", groups: "isMemberOf"),
    ]

    @Test(arguments: shapes)
    func interopResponseMapsToTheSameIdentity(_ shape: Shape) async throws {
        let identity = try await Fixture.validate("interop/\(shape.file).xml")
        #expect(identity.issuer == shape.issuer)
        #expect(identity.nameID == "ada@example.com")
        #expect(identity.nameIDFormat == NameIDFormat.emailAddress)
        #expect(identity.sessionIndex != nil)
        #expect(identity.authnInstant != nil)
        #expect(identity.values(shape.email) == ["ada@example.com"])
        #expect(identity.values(shape.givenName) == ["Ada"])
        #expect(identity.values(shape.surname) == ["Lovelace"])
        #expect(identity.values(shape.groups) == ["engineering", "staff"])
    }

    @Test func responseFromOneIdPDoesNotVerifyWithAnotherIdPsKey() async throws {
        // ADFS signs with idp-rsa2; present its response as if Okta's keys applied.
        let providers = try Fixture.identityProviders()
        let okta = try #require(providers.first { $0.entityID.contains("okta") })
        let adfs = IdentityProvider(entityID: "http://adfs.example.com/adfs/services/trust", signingKeys: okta.signingKeys)
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Fixture.validator().validate(
                posted: try Fixture.posted("interop/adfs.xml"), identityProviders: [adfs],
                expectedRequestID: Fixture.requestID, now: Fixture.instant)
        }
        #expect(error?.code == .untrustedKey || error?.code == .signatureInvalid)
    }
}
