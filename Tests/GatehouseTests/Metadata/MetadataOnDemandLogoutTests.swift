import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SAML
import Testing

/// A LogoutRequest at the SLO endpoint from an IdP not registered yet: its metadata is fetched
/// from the MDQ source that allows it and the request verified with those keys only.
@Suite struct MetadataOnDemandLogoutTests {
    static let entityID = MetadataRefreshTests.entityID

    @Test func aLogoutRequestFromAnIdPFetchedOnDemandEndsItsSession() async throws {
        try await MetadataOnDemandTests.withService { server, base, folder in
            server.publish(try MetadataRefreshTests.document(), etag: "\"v1\"")
            var config = GatehouseConfig(externalURL: "http://localhost", upstreams: [.init(url: "http://127.0.0.1:9")])
            config.cookie.secure = false
            config.session.store = .memory
            config.serviceProvider = ServiceProviderSettings(
                keyPath: TestPaths.fixture("keys/sp.key"), certificatePath: TestPaths.fixture("keys/sp.crt"))
            var source = MetadataSourceSettings(
                url: base, certificate: TestPaths.fixture("keys/sp2.crt"), cacheFile: folder + "/mdq", timeout: .init(seconds: 2))
            source.onDemand = MetadataOnDemandTests.federation
            config.metadataSources = [source]
            let metrics = GatehouseMetrics()
            let logs = MetadataRefreshTests.LogCapture()
            let logger = Logger(
                label: "gatehouse", factory: JSONLogHandler.factory(for: LogSettings(format: .text, level: .debug), stream: logs))
            let cache = MetadataQueryCache(sources: config.metadataSources, metrics: metrics, logger: logger)
            let resolved = try ResolvedConfig(
                config: config, serviceProviderKeys: try ServiceProviderKeys.load(config.serviceProvider),
                registry: try IdentityProviderRegistry(documents: []))
            let gateway = Gateway(
                config: config, store: MemorySessionStore(), loginService: SAMLLoginService(resolved: resolved, metadataQuery: cache),
                metrics: metrics)
            let session = try await gateway.store.create(
                identity: SessionIdentity(nameID: "alice@test.example", issuer: Self.entityID, sessionIndex: "idx-alice"))
            let app = GatehouseApplication.make(gateway: gateway, logger: logger)
            try await app.test(.router) { client in
                func post(_ request: LogoutRequest, key: String) async throws -> TestResponse {
                    let xml = try SingleLogoutRouteTests.signed(request, key: key)
                    let form = "SAMLRequest=" + GatewayHarness.formEncode(Data(xml).base64EncodedString())
                    return try await client.execute(
                        uri: "/saml/slo", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                        body: ByteBuffer(string: form))
                }
                // Signed with a key the fetched metadata does not list: refused, session kept.
                let forged = try await post(SingleLogoutRouteTests.request(issuer: Self.entityID), key: "idp-rsa2")
                #expect(forged.status.code >= 400)
                #expect(try await gateway.store.get(session) != nil)
                // From an IdP outside the allow-list: nothing fetched.
                let stranger = try await post(SingleLogoutRouteTests.request(issuer: "https://stranger.test/idp"), key: "idp-rsa")
                #expect(stranger.status.code >= 400)
                let answer = try await post(SingleLogoutRouteTests.request(issuer: Self.entityID), key: "idp-rsa")
                #expect(answer.status == .ok)
                #expect(try await gateway.store.get(session) == nil)
            }
            #expect(server.targets == [MetadataOnDemandTests.entityPath])
            #expect(metrics.render().contains("gatehouse_metadata_query_total{source=\"\(base)\",outcome=\"fetched\"} 1"))
            #expect(metrics.render().contains("gatehouse_metadata_query_total{source=\"none\",outcome=\"not_allowed\"} 1"))
            #expect(logs.lines.contains { $0.contains("metadata fetched on demand") && $0.contains("metadata.entity=\(Self.entityID)") })
        }
    }
}
