import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
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
        #expect(throws: DevelopmentIdPError(.foreignConsumer, detail: "asked for https://evil.example/acs, answers only \(Self.acs)")) {
            try idp.authnRequest(query: query)
        }
    }

    /// Its routes throw their refusals, which render as a 400 page with the sentence.
    @Test func refusedRequestsGetAPageThatSaysWhy() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let idp = try Self.makeIdP(directory)
        let router = Router(context: GatehouseRequestContext.self)
        router.addRoutes(idp.routes(), atPath: RouterPath(DevelopmentIdP.pathPrefix))
        try await Application(router: router).test(.router) { client in
            let garbage = try await client.execute(uri: "/_dev-idp/sso?SAMLRequest=not-deflate", method: .get)
            #expect(garbage.status == .badRequest)
            #expect(String(buffer: garbage.body).contains("The SAMLRequest could not be decoded."))
            let request = AuthnRequest(
                id: "_x", issueInstant: Date(), destination: idp.singleSignOnURL, assertionConsumerServiceURL: Self.acs,
                issuer: Self.spEntityID)
            let form = "request=" + GatewayHarness.formEncode(try HTTPRedirectBinding.encode(request.xml))
            let noUser = try await client.execute(
                uri: "/_dev-idp/sso", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: form))
            #expect(noUser.status == .badRequest)
            #expect(String(buffer: noUser.body).contains("Choose a user, or type a user name."))
        }
    }
}
