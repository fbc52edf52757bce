import Foundation
import Gatehouse
import SAML
import Testing

@Suite struct DevelopmentIdPTests {
    static let acs = "http://localhost:8080/saml/acs"
    static let spEntityID = "http://localhost:8080/saml/metadata"

    static func makeIdP(_ directory: URL) throws -> DevelopmentIdP {
        try DevelopmentIdP(directory: directory, baseURL: "http://localhost:8080", assertionConsumerServiceURL: acs)
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-devidp-\(UUID().uuidString)")
    }

    @Test func itsSignedResponseIsAcceptedByTheValidator() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let idp = try Self.makeIdP(directory)
        let now = Date()
        let request = AuthnRequest(
            id: AuthnRequest.makeID(), issueInstant: now, destination: idp.singleSignOnURL,
            assertionConsumerServiceURL: Self.acs, issuer: Self.spEntityID)
        let query = try HTTPRedirectBinding.encode(request.xml, relayState: "opaque-state")
        let parsed = try idp.authnRequest(query: query)
        #expect(parsed.id == request.id)
        #expect(parsed.relayState == "opaque-state")

        let user = DevelopmentUser.samples[0]
        let posted = try idp.response(to: parsed, user: user, now: now)
        let providers = try SAMLMetadata(parsing: idp.metadataXML).identityProviders()
        let validator = ResponseValidator(
            policy: ValidationPolicy(audience: Self.spEntityID, assertionConsumerServiceURL: Self.acs),
            replayCache: InMemoryReplayCache())
        let identity = try await validator.validate(posted: posted, identityProviders: providers, expectedRequestID: request.id, now: now)
        #expect(identity.nameID == user.email)
        #expect(identity.values("groups") == user.groups)
        #expect(identity.issuer == idp.entityID)
    }

    @Test func keyIsGeneratedOnceAndReused() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try Self.makeIdP(directory)
        let second = try Self.makeIdP(directory)
        #expect(first.certificatePEM == second.certificatePEM)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("dev-idp.key").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func itSignsOnlyForItsOwnGateway() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let idp = try Self.makeIdP(directory)
        let request = AuthnRequest(
            id: "_x", issueInstant: Date(), destination: idp.singleSignOnURL,
            assertionConsumerServiceURL: "https://evil.example/acs", issuer: Self.spEntityID)
        let query = try HTTPRedirectBinding.encode(request.xml)
        #expect(throws: DevelopmentIdPError.self) { try idp.authnRequest(query: query) }
    }
}
