import Foundation
import Gatehouse
import HTTPTypes
import SAML
import Testing

/// An IdP whose metadata passed its `validUntil` is refused at both ends of a login, even for a
/// response its keys verify; the same metadata still valid is accepted.
@Suite struct ExpiredMetadataLoginTests {
    /// The login service of ``SAMLLoginServiceTests`` with the fixture IdP's metadata valid until `validUntil`.
    static func service(validUntil: String) throws -> SAMLLoginService {
        let text = try String(contentsOfFile: TestPaths.fixture("saml/metadata/idp.xml"), encoding: .utf8)
        let dated = text.replacingOccurrences(
            of: "validUntil=\"2036-07-01T00:00:00Z\"",
            with: "validUntil=\"\(validUntil)\"")
        #expect(dated != text)
        var config = GatehouseConfig(externalURL: "https://sp.example.com", upstreams: [.init(url: "http://127.0.0.1:9")])
        config.serviceProvider = ServiceProviderSettings(
            keyPath: TestPaths.fixture("keys/sp.key"), certificatePath: TestPaths.fixture("keys/sp.crt"))
        let registry = try IdentityProviderRegistry(documents: [("idp.xml", Array(dated.utf8))])
        let resolved = try ResolvedConfig(
            config: config, serviceProviderKeys: try ServiceProviderKeys.load(config.serviceProvider), registry: registry)
        return SAMLLoginService(resolved: resolved, clock: ManualWallClock(SAMLLoginServiceTests.instant))
    }

    @Test func expiredMetadataRefusesTheResponse() async throws {
        let service = try Self.service(validUntil: "2026-06-01T11:59:00Z")
        let failure = await SAMLLoginServiceTests.failure(
            service, try SAMLLoginServiceTests.fixture("valid.xml"), pending: SAMLLoginServiceTests.pending())
        #expect(failure?.code == .metadataExpired)
        #expect(failure?.detail.contains("expired at") == true)
    }

    @Test func expiredMetadataRefusesToStartALogin() async throws {
        let service = try Self.service(validUntil: "2026-06-01T11:59:00Z")
        await #expect {
            _ = try await service.startLogin(idp: SAMLLoginServiceTests.idpEntityID, relayState: "r")
        } throws: { error in
            (error as? LoginFailure)?.code == .metadataExpired
        }
    }

    @Test func theSameMetadataStillValidIsAccepted() async throws {
        let service = try Self.service(validUntil: "2026-06-01T13:00:00Z")
        let failure = await SAMLLoginServiceTests.failure(
            service, try SAMLLoginServiceTests.fixture("valid.xml"), pending: SAMLLoginServiceTests.pending())
        #expect(failure == nil)
        _ = try await service.startLogin(idp: SAMLLoginServiceTests.idpEntityID, relayState: "r")
    }

    @Test func theExpiredPageSaysSo() {
        let failure = LoginFailure(.metadataExpired, detail: "")
        #expect(failure.status == .serviceUnavailable)
        #expect(failure.userMessage.contains("expired"))
        #expect(failure.code.name == "metadataExpired")
    }
}
