import Foundation
import Gatehouse
import SAML
import Testing

/// `service_provider.previous_keys`: after a key rollover the old key still decrypts, the new
/// one signs and decrypts.
@Suite struct ServiceProviderKeyRolloverTests {
    static let instant = SAMLInstant.parse("2026-06-01T12:00:00Z")!

    static func service(previous: [String]) throws -> SAMLLoginService {
        var config = GatehouseConfig(externalURL: "https://sp.example.com", upstreams: [.init(url: "http://127.0.0.1:9")])
        config.serviceProvider = ServiceProviderSettings(
            keyPath: TestPaths.fixture("keys/sp.key"), certificatePath: TestPaths.fixture("keys/sp.crt"))
        config.serviceProvider.previousKeyPaths = previous.map { TestPaths.fixture($0) }
        let metadata = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("saml/metadata/idp.xml")))
        let registry = try IdentityProviderRegistry(documents: [("idp.xml", Array(metadata))])
        let resolved = try ResolvedConfig(
            config: config, serviceProviderKeys: try ServiceProviderKeys.load(config.serviceProvider), registry: registry)
        return SAMLLoginService(resolved: resolved, clock: ManualWallClock(instant))
    }

    static func pending() -> PendingLogin {
        PendingLogin(
            relayState: SessionID.generate(), requestID: "_req-3c8d41a2", idpEntityID: "https://idp.example.com/metadata",
            returnPath: "/", browserBindingHash: SessionID.hash("binding"), expiresAt: instant.addingTimeInterval(300))
    }

    /// `invalid/decryptionFailed.xml` is `encrypted.xml` encrypted to `sp2.crt` instead of `sp.crt`.
    static func toOldKey() throws -> String {
        try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("saml/invalid/decryptionFailed.xml"))).base64EncodedString()
    }

    @Test func aPreviousKeyStillDecrypts() async throws {
        let completion = try await Self.service(previous: ["keys/sp2.key"]).completeLogin(
            samlResponse: try Self.toOldKey(), pending: Self.pending())
        #expect(completion.identity.nameID == "ada@example.com")
        // The current key keeps decrypting too.
        let current = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("saml/encrypted.xml"))).base64EncodedString()
        _ = try await Self.service(previous: ["keys/sp2.key"]).completeLogin(samlResponse: current, pending: Self.pending())
    }

    @Test func withoutThePreviousKeyTheOldEncryptionFails() async throws {
        let service = try Self.service(previous: [])
        let response = try Self.toOldKey()
        let failure = await PolicyIdPs.failure(service, response, pending: Self.pending())
        #expect(failure?.code == .saml(.decryptionFailed), "\(failure?.description ?? "accepted")")
    }

    @Test func theCurrentKeySignsAndPreviousKeysOnlyDecrypt() throws {
        var settings = ServiceProviderSettings(
            keyPath: TestPaths.fixture("keys/sp.key"), certificatePath: TestPaths.fixture("keys/sp.crt"))
        let single = try #require(try ServiceProviderKeys.load(settings))
        settings.previousKeyPaths = [TestPaths.fixture("keys/sp2.key")]
        let rolled = try #require(try ServiceProviderKeys.load(settings))
        #expect(rolled.decryptionKeys.count == 2)
        #expect(rolled.certificateDER == single.certificateDER)
        settings.previousKeyPaths = [TestPaths.fixture("keys/idp-ec.key")]
        #expect(throws: ConfigError.self) { try ServiceProviderKeys.load(settings) }
    }

    @Test func checkConfigNamesBadPreviousKeysAndPoliciesTheKeyCannotServe() throws {
        var config = GatehouseConfig(externalURL: "https://sso.example.com", upstreams: [.init(url: "http://127.0.0.1:3000")])
        config.serviceProvider = ServiceProviderSettings(
            keyPath: TestPaths.fixture("keys/sp.key"), certificatePath: TestPaths.fixture("keys/sp.crt"))
        config.serviceProvider.previousKeyPaths = [TestPaths.fixture("keys/idp-ec.key"), "/nonexistent/old.key"]
        let messages = ConfigCheck().problems(in: config).map(\.message)
        #expect(messages.contains { $0.contains("previous_keys") && $0.contains("idp-ec.key") && $0.contains("RSA") })
        #expect(messages.contains { $0.contains("previous_keys") && $0.contains("/nonexistent/old.key") })
        config.serviceProvider = ServiceProviderSettings()
        var always = IdentityProviderSettings(entityID: "https://a.example/idp")
        always.signAuthnRequests = .always
        always.requestedAuthnContext = [" "]
        config.identityProviders = [always]
        let idps = ConfigCheck().problems(in: config).filter { $0.message.hasPrefix("idps:") }.map(\.message)
        #expect(idps.contains { $0.contains("sign_authn_requests: always") })
        #expect(idps.contains { $0.contains("requested_authn_context") })
    }
}
