import Foundation
import Gatehouse
import HTTPTypes
import SAML
import Testing
import XMLSecurity

/// The real ``SAMLLoginService`` (libxml2, xmlsec) on the committed fixtures, at the fixtures'
/// fixed instant through an injected clock.
///
/// `Fixtures/saml/valid.xml` is a Response from `https://idp.example.com/metadata` (registered by
/// `Fixtures/saml/metadata/idp.xml`), signed with `keys/idp-rsa`, answering `_req-3c8d41a2`
/// for the SP `https://sp.example.com/saml/metadata`, valid from 11:59 to 12:05 on 2026-06-01.
@Suite struct SAMLLoginServiceTests {
    static let instant = SAMLInstant.parse("2026-06-01T12:00:00Z")!
    static let idpEntityID = "https://idp.example.com/metadata"
    static let requestID = "_req-3c8d41a2"

    /// A second registered IdP with its own signing key.
    struct Setup {
        let service: SAMLLoginService
        let clock: ManualWallClock
        let otherIdP: DevelopmentIdP
    }

    static func setup(at now: Date = instant) throws -> Setup {
        let directory = URL(fileURLWithPath: try TestPaths.scratchDirectory())
        var config = GatehouseConfig(externalURL: "https://sp.example.com", upstreams: [.init(url: "http://127.0.0.1:9")])
        config.serviceProvider = ServiceProviderSettings(
            keyPath: TestPaths.fixture("keys/sp.key"), certificatePath: TestPaths.fixture("keys/sp.crt"))
        let otherIdP = try DevelopmentIdP(
            directory: directory, baseURL: "https://other-idp.example.com", assertionConsumerServiceURL: config.endpointURL("acs"),
            now: instant)
        let metadata = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("saml/metadata/idp.xml")))
        let registry = try IdentityProviderRegistry(documents: [
            ("idp.xml", Array(metadata)), ("other-idp.xml", Array(otherIdP.metadataXML.utf8)),
        ])
        let clock = ManualWallClock(now)
        let resolved = try ResolvedConfig(
            config: config, serviceProviderKeys: try ServiceProviderKeys.load(config.serviceProvider), registry: registry)
        return Setup(service: SAMLLoginService(resolved: resolved, clock: clock), clock: clock, otherIdP: otherIdP)
    }

    static func fixture(_ name: String) throws -> String {
        try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("saml/\(name)"))).base64EncodedString()
    }

    static func pending(requestID: String = requestID, at idp: String = idpEntityID) -> PendingLogin {
        PendingLogin(
            relayState: SessionID.generate(), requestID: requestID, idpEntityID: idp, returnPath: "/",
            browserBindingHash: SessionID.hash("binding"), expiresAt: instant.addingTimeInterval(300))
    }

    /// The failure `completeLogin` throws, or nil when it accepts.
    static func failure(_ service: SAMLLoginService, _ response: String, pending: PendingLogin?) async -> LoginFailure? {
        do {
            _ = try await service.completeLogin(samlResponse: response, pending: pending)
            return nil
        } catch {
            return error
        }
    }

    @Test func validSignedResponseCompletesTheLoginItAnswers() async throws {
        let setup = try Self.setup()
        let completion = try await setup.service.completeLogin(samlResponse: try Self.fixture("valid.xml"), pending: Self.pending())
        #expect(completion.identity.nameID == "ada@example.com")
        #expect(completion.identity.issuer == Self.idpEntityID)
        #expect(completion.identity.sessionIndex == "_session-91e2")
        #expect(completion.assertionID == "_assert-5f2a9e70")
        // Remembered until the assertion's own expiry (12:05) plus the skew, not the wall clock's.
        #expect(completion.assertionExpiry == SAMLInstant.parse("2026-06-01T12:06:30Z"))
    }

    @Test func responseFromAnotherRegisteredIdPIsRefusedForALoginStartedElsewhere() async throws {
        let setup = try Self.setup()
        // Signed by idp.example.com with its registered key, for a login started at the other IdP.
        let failure = await Self.failure(
            setup.service, try Self.fixture("valid.xml"), pending: Self.pending(at: setup.otherIdP.entityID))
        #expect(failure?.code == .saml(.issuerMismatch), "\(failure?.description ?? "accepted")")
        #expect(failure?.code.name == "issuerMismatch")
        #expect(failure?.status == .forbidden)
    }

    @Test func otherIdPsOwnSignedResponseIsRefusedForALoginStartedAtTheFirst() async throws {
        let setup = try Self.setup()
        // A real round trip: our AuthnRequest to the other IdP, its signed answer.
        let start = try await setup.service.startLogin(idp: setup.otherIdP.entityID, relayState: "state-1")
        let query = try #require(URLComponents(string: start.redirectURL)?.percentEncodedQuery)
        let request = try setup.otherIdP.authnRequest(query: query)
        let signed = try setup.otherIdP.response(to: request, user: DevelopmentUser.samples[0], now: Self.instant)
        let failure = await Self.failure(setup.service, signed, pending: Self.pending(requestID: start.requestID))
        #expect(failure?.code == LoginFailure.Code.saml(.issuerMismatch), "\(failure?.description ?? "accepted")")
        // The same response completes the login it was meant for, so only the IdP differs.
        let own = try await setup.service.completeLogin(
            samlResponse: signed, pending: Self.pending(requestID: start.requestID, at: setup.otherIdP.entityID))
        #expect(own.identity.issuer == setup.otherIdP.entityID)
    }

    @Test func responseToAnotherRequestIsRefused() async throws {
        let setup = try Self.setup()
        let failure = await Self.failure(
            setup.service, try Self.fixture("valid.xml"), pending: Self.pending(requestID: "_req-someone-else"))
        #expect(failure?.code == .saml(.inResponseToMismatch), "\(failure?.description ?? "accepted")")
    }

    @Test func responseIsRefusedOnceTheClockPassesNotOnOrAfterAndTheSkew() async throws {
        // NotOnOrAfter is 12:05:00 and the default skew 90 s: valid until just before 12:06:30.
        let inside = try Self.setup(at: Self.instant.addingTimeInterval(389))
        _ = try await inside.service.completeLogin(samlResponse: try Self.fixture("valid.xml"), pending: Self.pending())
        let setup = try Self.setup()
        setup.clock.advance(by: 390)
        let failure = await Self.failure(setup.service, try Self.fixture("valid.xml"), pending: Self.pending())
        #expect(failure?.code == .saml(.expired), "\(failure?.description ?? "accepted")")
    }

    @Test func authnRequestIsIssuedAtTheInjectedClocksTime() async throws {
        let setup = try Self.setup()
        setup.clock.advance(by: 42)
        let start = try await setup.service.startLogin(idp: Self.idpEntityID, relayState: "state-1")
        let query = try #require(URLComponents(string: start.redirectURL)?.percentEncodedQuery)
        let message = try RedirectMessage(query: query)
        #expect(message.relayState == "state-1")
        // The IdP wants signed requests; the SP key signed this one.
        #expect(message.signature != nil)
        let root = try XMLDocument(parsing: message.xml).root
        #expect(root.attribute("ID") == start.requestID)
        #expect(root.attribute("IssueInstant") == "2026-06-01T12:00:42Z")
    }
}
