import Crypto
import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SAML
import Testing

/// MDQ sources with `on_demand`, against a real MDQ publisher on loopback: an IdP no document
/// describes is fetched, verified and remembered the first time a login or a response names it,
/// within the allow-list and the limits.
@Suite struct MetadataOnDemandTests {
    static let entityID = MetadataRefreshTests.entityID
    static let entityPath = "/entities/https%3A%2F%2Fidp.federation.test%2Fidp"

    /// The login service of ``PolicyIdPs`` (two IdPs from files) with an on-demand MDQ source.
    struct Setup {
        let base: String
        let clock: ManualWallClock
        let metrics = GatehouseMetrics()
        let logs = MetadataRefreshTests.LogCapture()
        let cache: MetadataQueryCache
        let service: SAMLLoginService
        let config: GatehouseConfig

        init(base: String, folder: String, onDemand: MetadataOnDemandSettings) throws {
            self.base = base
            clock = ManualWallClock(PolicyIdPs.instant)
            var source = MetadataSourceSettings(
                url: base, certificate: TestPaths.fixture("keys/sp2.crt"), cacheFile: folder + "/mdq", timeout: .init(seconds: 2))
            source.onDemand = onDemand
            var config = PolicyIdPs.config([])
            config.metadataSources = [source]
            self.config = config
            let logger = Logger(
                label: "gatehouse", factory: JSONLogHandler.factory(for: LogSettings(format: .text, level: .debug), stream: logs))
            cache = MetadataQueryCache(sources: config.metadataSources, metrics: metrics, logger: logger, clock: clock)
            service = SAMLLoginService(resolved: try PolicyIdPs.resolved(config), clock: clock, metadataQuery: cache)
        }

        /// `gatehouse_metadata_query_total{source,outcome}` as rendered, nil when never counted.
        func queries(_ outcome: String, source: String? = nil) -> String? {
            metrics.render().split(separator: "\n").first {
                $0.hasPrefix("gatehouse_metadata_query_total{source=\"\(source ?? base)\",outcome=\"\(outcome)\"}")
            }.map { String($0.split(separator: " ").last ?? "") }
        }

        func logLine(_ message: String, entity: String = MetadataOnDemandTests.entityID) -> String? {
            logs.lines.first { $0.contains(message) && $0.contains("metadata.entity=\(entity)") }
        }

        func loginFailure(_ idp: String) async -> LoginFailure? {
            do {
                _ = try await service.startLogin(idp: idp, relayState: "r")
                return nil
            } catch {
                return error
            }
        }
    }

    /// Runs `body` with an MDQ publisher on loopback (its base URL) and a fresh folder.
    static func withService(_ body: @Sendable (MetadataServer, String, String) async throws -> Void) async throws {
        try await MetadataRefreshTests.withServer { server, url, folder in
            try await body(server, url.replacingOccurrences(of: "/metadata.xml", with: ""), folder)
        }
    }

    static let federation = MetadataOnDemandSettings(allow: ["https://idp.federation.test/*"])

    @Test func patternsMatchTheWholeEntityIDAndAStarStopsAtASlash() {
        let settings = MetadataOnDemandSettings(allow: ["https://*.example.edu/idp", "urn:mace:**"])
        #expect(settings.admits("https://login.example.edu/idp"))
        #expect(!settings.admits("https://login.example.edu/idp/x"))
        #expect(!settings.admits("https://evil.test/.example.edu/idp"))
        #expect(!settings.admits("https://login.example.edu/idpx"))
        #expect(settings.admits("urn:mace:a/b:c"))
        #expect(!settings.admits("xurn:mace:a"))
        // Not entity IDs at all: refused whatever the patterns say.
        let any = MetadataOnDemandSettings(allowAny: true)
        #expect(any.admits("https://idp.test/x"))
        #expect(!any.admits(".."))
        #expect(!any.admits("https://idp.test/a b"))
        #expect(!any.admits("https://idp.test/\n"))
        #expect(!any.admits(String(repeating: "a", count: 1025)))
        #expect(!MetadataOnDemandSettings().admits("https://idp.test/x"))
    }

    @Test func anIdPNoDocumentDescribesIsFetchedWhenALoginNamesItThenServedFromMemory() async throws {
        try await Self.withService { server, base, folder in
            server.publish(try MetadataRefreshTests.document(), etag: "\"v1\"")
            let setup = try Setup(base: base, folder: folder, onDemand: Self.federation)
            let start = try await setup.service.startLogin(idp: Self.entityID, relayState: "r")
            #expect(start.redirectURL.hasPrefix("https://idp.federation.test/sso?"))
            _ = try await setup.service.startLogin(idp: Self.entityID, relayState: "r2")
            #expect(server.targets == [Self.entityPath])
            #expect(setup.queries("fetched") == "1")
            #expect(setup.queries("hit") == "1")
            #expect(setup.logLine("metadata fetched on demand")?.contains("metadata.source=\(base + Self.entityPath)") == true)
            #expect(await setup.cache.count == 1)
        }
    }

    @Test func theSHA1FormNamesTheEntityByTheHashOfItsID() async throws {
        try await Self.withService { server, base, folder in
            server.publish(try MetadataRefreshTests.document(), etag: "\"v1\"")
            var onDemand = Self.federation
            onDemand.identifier = .sha1
            let setup = try Setup(base: base, folder: folder, onDemand: onDemand)
            _ = try await setup.service.startLogin(idp: Self.entityID, relayState: "r")
            let hex = Insecure.SHA1.hash(data: Data(Self.entityID.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(server.targets == ["/entities/%7Bsha1%7D" + hex])
            #expect(setup.queries("fetched") == "1")
        }
    }

    @Test func aResponseFromAnIdPNotYetKnownIsVerifiedWithTheFetchedKeysOnly() async throws {
        try await Self.withService { server, base, folder in
            server.publish(try MetadataRefreshTests.document(certificates: ["idp-rsa"]), etag: "\"v1\"")
            let setup = try Setup(base: base, folder: folder, onDemand: Self.federation)
            let completion = try await setup.service.completeLogin(
                samlResponse: try FederationResponses.response(signedWith: "idp-rsa"), pending: FederationResponses.pending)
            #expect(completion.identity.issuer == Self.entityID)
            #expect(completion.identity.nameID == "ada@example.com")
            // A key the fetched metadata does not list signs nothing.
            await #expect {
                _ = try await setup.service.completeLogin(
                    samlResponse: try FederationResponses.response(signedWith: "idp-rsa2"), pending: FederationResponses.pending)
            } throws: { error in
                (error as? LoginFailure)?.code == .saml(.signatureInvalid)
            }
            #expect(server.targets == [Self.entityPath])
        }
    }

    @Test func theLoginRouteAcceptsAnIdPFetchedOnDemand() async throws {
        try await Self.withService { server, base, folder in
            server.publish(try MetadataRefreshTests.document(), etag: "\"v1\"")
            let setup = try Setup(base: base, folder: folder, onDemand: Self.federation)
            var config = setup.config
            config.session.store = .memory
            let gateway = Gateway(config: config, store: MemorySessionStore(), loginService: setup.service, clock: setup.clock)
            let app = GatehouseApplication.make(gateway: gateway, logger: Logger(label: "test"))
            try await app.test(.router) { client in
                let encoded = Self.entityID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let answer = try await client.execute(uri: "/saml/login?idp=\(encoded)", method: .get)
                #expect(answer.status == .found)
                #expect(answer.headers[.location]?.hasPrefix("https://idp.federation.test/sso?") == true)
                let refused = try await client.execute(uri: "/saml/login?idp=https%3A%2F%2Fevil.test%2Fidp", method: .get)
                #expect(refused.status == .badRequest)
            }
            #expect(server.targets == [Self.entityPath])
        }
    }

    @Test func anEntityOutsideTheAllowListIsNeverAskedFor() async throws {
        try await Self.withService { server, base, folder in
            server.publish(try MetadataRefreshTests.document(), etag: "\"v1\"")
            let setup = try Setup(base: base, folder: folder, onDemand: Self.federation)
            #expect(await setup.loginFailure("https://evil.test/idp")?.code == .unknownIdP)
            // `*` stops at a slash.
            #expect(await setup.loginFailure("https://idp.federation.test/a/b")?.code == .unknownIdP)
            // An unsolicited response whose Issuer is outside the list fetches nothing either.
            await #expect {
                _ = try await setup.service.completeLogin(
                    samlResponse: try FederationResponses.response(signedWith: "idp-rsa", issuer: "https://evil.test/idp"), pending: nil)
            } throws: { error in
                (error as? LoginFailure)?.code == .unknownIdP
            }
            // A response from an allowed IdP answering a login started at another IdP is refused
            // before any lookup.
            await #expect {
                _ = try await setup.service.completeLogin(
                    samlResponse: try FederationResponses.response(signedWith: "idp-rsa"), pending: PolicyIdPs.pending(at: PolicyIdPs.a))
            } throws: { error in
                (error as? LoginFailure)?.code == .saml(.unknownIssuer)
            }
            #expect(server.targets.isEmpty)
            #expect(setup.queries("not_allowed", source: "none") == "3")
        }
    }

    @Test func aBadSignatureIsRefusedAndTheRefusalRememberedForTheNegativeCacheTime() async throws {
        try await Self.withService { server, base, folder in
            server.publish(try MetadataRefreshTests.document(signer: "attacker"), etag: "\"v1\"")
            let setup = try Setup(base: base, folder: folder, onDemand: Self.federation)
            let first = await setup.loginFailure(Self.entityID)
            #expect(first?.code == .metadataUnavailable)
            #expect(first?.status == .serviceUnavailable)
            #expect(await setup.loginFailure(Self.entityID)?.code == .metadataUnavailable)
            #expect(server.targets.count == 1)
            #expect(setup.queries("signature_invalid") == "1")
            #expect(setup.queries("negative_hit") == "1")
            let line = setup.logLine("metadata query failed")
            #expect(line?.contains("metadata.outcome=signature_invalid") == true)
            #expect(line?.contains("metadata.retry_seconds=60") == true)
            // After the negative-cache time the entity is asked for again.
            server.publish(try MetadataRefreshTests.document(), etag: "\"v2\"")
            setup.clock.advance(by: 61)
            _ = try await setup.service.startLogin(idp: Self.entityID, relayState: "r")
            #expect(server.targets.count == 2)
            #expect(setup.queries("fetched") == "1")
        }
    }

    @Test func anExpiredUnknownOrOtherEntityIsRefusedWithItsOwnCode() async throws {
        try await Self.withService { server, base, folder in
            server.publish(try MetadataRefreshTests.document(validUntil: PolicyIdPs.instant.addingTimeInterval(-60)), etag: "\"v1\"")
            let setup = try Setup(base: base, folder: folder, onDemand: MetadataOnDemandSettings(allowAny: true))
            #expect(await setup.loginFailure(Self.entityID)?.code == .metadataExpired)
            #expect(setup.queries("expired") == "1")
            #expect(setup.logLine("metadata query failed")?.contains("is in the past") == true)
            // Signed and current, but describing another entity than the one asked for.
            server.publish(try MetadataRefreshTests.document(), etag: "\"v2\"")
            #expect(await setup.loginFailure("https://other.test/idp")?.code == .metadataUnavailable)
            #expect(setup.queries("malformed") == "1")
            #expect(
                setup.logLine("metadata query failed", entity: "https://other.test/idp")?.contains("asked for https://other.test/idp")
                    == true)
            server.fail(with: .notFound)
            #expect(await setup.loginFailure("https://nobody.test/idp")?.code == .unknownIdP)
            #expect(setup.queries("not_found") == "1")
        }
    }

    @Test func queriesPerMinuteAndHeldEntitiesAreCapped() async throws {
        try await Self.withService { server, base, folder in
            server.fail(with: .notFound)
            var onDemand = MetadataOnDemandSettings(allowAny: true)
            onDemand.maxFetchesPerMinute = 3
            onDemand.maxEntities = 2
            let setup = try Setup(base: base, folder: folder, onDemand: onDemand)
            for index in 0..<5 {
                _ = await setup.loginFailure("https://idp\(index).test/idp")
            }
            #expect(server.targets.count == 3)
            #expect(setup.queries("not_found") == "3")
            #expect(setup.queries("rate_limited") == "2")
            #expect(await setup.cache.count == 2)
            #expect(setup.logLine("too many queries", entity: "https://idp3.test/idp")?.contains("metadata.limit=3") == true)
            #expect(await setup.loginFailure("https://idp4.test/idp")?.code == .metadataUnavailable)
            // A minute later the service may be asked again.
            setup.clock.advance(by: 61)
            _ = await setup.loginFailure("https://idp4.test/idp")
            #expect(server.targets.count == 4)
        }
    }

    @Test func aSlowServiceIsGivenUpAfterTheTimeout() async throws {
        try await Self.withService { server, base, folder in
            server.publish(try MetadataRefreshTests.document(), etag: "\"v1\"")
            server.delay(by: .seconds(4))
            var onDemand = Self.federation
            onDemand.timeout = .init(seconds: 1)
            let setup = try Setup(base: base, folder: folder, onDemand: onDemand)
            let started = ContinuousClock.now
            #expect(await setup.loginFailure(Self.entityID)?.code == .metadataUnavailable)
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(setup.queries("unreachable") == "1")
        }
    }

    @Test func concurrentLookupsOfOneEntitySendOneQuery() async throws {
        try await Self.withService { server, base, folder in
            server.publish(try MetadataRefreshTests.document(), etag: "\"v1\"")
            server.delay(by: .milliseconds(300))
            let setup = try Setup(base: base, folder: folder, onDemand: Self.federation)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask { _ = try await setup.service.startLogin(idp: Self.entityID, relayState: "r") }
                }
                try await group.waitForAll()
            }
            #expect(server.targets == [Self.entityPath])
        }
    }
}
