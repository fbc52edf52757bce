import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SAML
import Synchronization
import Testing
import XMLSecurity

/// URL metadata sources against a real HTTP server on loopback: signed with the federation key
/// (`sp2`), verified, cached on disk, refreshed and swapped in without a restart.
@Suite struct MetadataRefreshTests {
    static let entityID = "https://idp.federation.test/idp"

    /// What the refresher logged.
    final class LogCapture: TextOutputStream, Sendable {
        private let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
        var lines: [String] { text.withLock { $0 }.split(separator: "\n").map(String.init) }
    }

    /// A gateway whose login service trusts what the source's copy on disk holds, and a refresher.
    struct Setup {
        let source: MetadataSourceSettings
        let gateway: Gateway
        let refresher: MetadataRefresher
        let logs: LogCapture

        init(url: String, folder: String, clock: any WallClock = SystemWallClock(), minRefresh: ConfigDuration? = nil) throws {
            let source = MetadataSourceSettings(
                url: url, certificate: TestPaths.fixture("keys/sp2.crt"), cacheFile: folder + "/federation.xml",
                minRefresh: minRefresh, timeout: .init(seconds: 2))
            try self.init(source: source, folder: folder, clock: clock)
        }

        /// `source` as configured; ``source`` is its first document (the only one unless MDQ).
        init(source configured: MetadataSourceSettings, folder: String, clock: any WallClock = SystemWallClock()) throws {
            source = configured.documents[0]
            var config = GatehouseConfig(externalURL: "https://gw.test", upstreams: [.init(url: "http://127.0.0.1:9")])
            config.idpMetadataDirectory = folder + "/idps"
            config.metadataSources = [configured]
            config.session.store = .memory
            let registry =
                try (try? IdentityProviderRegistry.load(config: config, now: clock.now).registry) ?? IdentityProviderRegistry(documents: [])
            let resolved = try ResolvedConfig(config: config, serviceProviderKeys: nil, registry: registry)
            gateway = Gateway(
                config: config, store: MemorySessionStore(), loginService: SAMLLoginService(resolved: resolved, clock: clock), clock: clock)
            logs = LogCapture()
            let logger = Logger(
                label: "gatehouse", factory: JSONLogHandler.factory(for: LogSettings(format: .text, level: .debug), stream: logs))
            let tracker = MetadataSourceTracker(
                sources: config.metadataSources.documents, metrics: gateway.metrics, logger: logger, clock: clock)
            refresher = MetadataRefresher.swapping(into: gateway, resolved: resolved, tracker: tracker)
        }

        /// The signing keys the running login service trusts for the federation's IdP.
        var signingKeyCount: Int? {
            (gateway.loginService as? SAMLLoginService)?.registry.entry(MetadataRefreshTests.entityID)?.provider.signingKeys.count
        }

        func refreshes(_ outcome: String) -> String? {
            gateway.metrics.render().split(separator: "\n").first {
                $0.hasPrefix("gatehouse_metadata_refresh_total{source=\"\(source.url)\",outcome=\"\(outcome)\"}")
            }.map { String($0.split(separator: " ").last ?? "") }
        }

        func failureLine(_ outcome: String) -> String? {
            logs.lines.first {
                $0.contains("metadata refresh failed") && $0.contains(source.url) && $0.contains("metadata.outcome=\(outcome)")
            }
        }
    }

    /// The base64 body of a committed certificate.
    static func certificateBody(_ name: String) throws -> String {
        let pem = try String(contentsOfFile: TestPaths.fixture("keys/\(name).crt"), encoding: .utf8)
        return pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    }

    /// An IdP EntityDescriptor with `certificates` as signing keys, signed with `signer`'s key
    /// (nil: unsigned).
    static func document(
        certificates: [String] = ["idp-rsa"], validUntil: Date? = Date().addingTimeInterval(86_400), cacheDuration: String = "PT6H",
        signer: String? = "sp2"
    ) throws -> [UInt8] {
        let keys = try certificates.map { name in
            """
            <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(try certificateBody(name))\
            </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            """
        }.joined()
        let until = validUntil.map { " validUntil=\"\($0.formatted(.iso8601))\"" } ?? ""
        let xml = """
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" \
            ID="_fed\(UUID().uuidString)" entityID="\(entityID)"\(until) cacheDuration="\(cacheDuration)">\
            <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\(keys)\
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.federation.test/sso"/>\
            </md:IDPSSODescriptor></md:EntityDescriptor>
            """
        guard let signer else { return Array(xml.utf8) }
        let key = try SigningKey(
            privateKeyPEM: try String(contentsOfFile: TestPaths.fixture("keys/\(signer).key"), encoding: .utf8),
            certificatePEM: try String(contentsOfFile: TestPaths.fixture("keys/\(signer).crt"), encoding: .utf8))
        return try Signer.signEnveloped(Array(xml.utf8), key: key)
    }

    /// Runs `body` with a metadata server on an ephemeral loopback port and a fresh folder.
    static func withServer(_ body: @Sendable (MetadataServer, String, String) async throws -> Void) async throws {
        let server = MetadataServer()
        let folder = try TestPaths.scratchDirectory()
        try await server.makeApplication().test(.live) { client in
            try await body(server, "http://127.0.0.1:\(client.port ?? 0)/metadata.xml", folder)
        }
    }

    @Test func aNewCertificateIsPickedUpWithoutARestartAndRolloverKeepsBoth() async throws {
        try await Self.withServer { server, url, folder in
            let setup = try Setup(url: url, folder: folder)
            #expect(setup.signingKeyCount == nil)
            server.publish(try Self.document(certificates: ["idp-rsa"]), etag: "\"v1\"")
            #expect(await setup.refresher.refresh(0) == "updated")
            #expect(setup.signingKeyCount == 1)
            server.publish(try Self.document(certificates: ["idp-rsa", "idp-rsa2"]), etag: "\"v2\"")
            #expect(await setup.refresher.refresh(0) == "updated")
            #expect(setup.signingKeyCount == 2)
            #expect(setup.refreshes("updated") == "2")
            #expect(setup.logs.lines.filter { $0.contains("metadata refreshed") && $0.contains(url) }.count == 2)
            #expect(FileManager.default.contents(atPath: setup.source.cacheFile).map(Array.init) == server.state.withLock { $0.document })
        }
    }

    @Test func theRunningServiceFetchesAgainWhenTheCacheDurationRunsOut() async throws {
        try await Self.withServer { server, url, folder in
            let setup = try Setup(url: url, folder: folder, minRefresh: .init(seconds: 1))
            server.publish(try Self.document(cacheDuration: "PT1S"), etag: "\"v1\"")
            let service = Task { try await setup.refresher.run() }
            #expect(await Self.eventually { setup.signingKeyCount == 1 })
            server.publish(try Self.document(certificates: ["idp-rsa", "idp-rsa2"], cacheDuration: "PT1S"), etag: "\"v2\"")
            #expect(await Self.eventually { setup.signingKeyCount == 2 })
            service.cancel()
            _ = await service.result
            #expect(setup.refreshes("updated") == "2")
        }
    }

    /// Whether `condition` holds within ten seconds, polled every 100 ms.
    static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<100 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }

    @Test func notModifiedKeepsTheCopyAndSendsTheETag() async throws {
        try await Self.withServer { server, url, folder in
            let setup = try Setup(url: url, folder: folder)
            server.publish(try Self.document(), etag: "\"v1\"")
            #expect(await setup.refresher.refresh(0) == "updated")
            #expect(await setup.refresher.refresh(0) == "not_modified")
            #expect(server.conditions == [nil, "\"v1\""])
            #expect(setup.refreshes("not_modified") == "1")
            #expect(setup.logs.lines.contains { $0.contains("metadata not modified") && $0.contains(url) })
            #expect(setup.signingKeyCount == 1)
        }
    }

    @Test func aBadSignatureIsRefusedAndTheLastGoodCopyKept() async throws {
        try await Self.withServer { server, url, folder in
            let setup = try Setup(url: url, folder: folder)
            let good = try Self.document()
            server.publish(good, etag: "\"v1\"")
            #expect(await setup.refresher.refresh(0) == "updated")
            // Signed by a key that is not the federation's, carrying a second IdP key.
            server.publish(try Self.document(certificates: ["idp-rsa", "attacker"], signer: "attacker"), etag: "\"v2\"")
            #expect(await setup.refresher.refresh(0) == "signature_invalid")
            // Unsigned.
            server.publish(try Self.document(certificates: ["idp-rsa", "attacker"], signer: nil), etag: "\"v3\"")
            #expect(await setup.refresher.refresh(0) == "signature_invalid")
            // Signed by the federation, then altered.
            let signed = String(decoding: try Self.document(), as: UTF8.self)
            let altered = signed.replacingOccurrences(of: "https://idp.federation.test/sso", with: "https://evil.test/sso")
            server.publish(Array(altered.utf8), etag: "\"v4\"")
            #expect(await setup.refresher.refresh(0) == "signature_invalid")
            #expect(setup.refreshes("signature_invalid") == "3")
            #expect(setup.failureLine("signature_invalid") != nil)
            #expect(setup.signingKeyCount == 1)
            #expect(FileManager.default.contents(atPath: setup.source.cacheFile).map(Array.init) == good)
        }
    }

    @Test func anExpiredDocumentIsRefused() async throws {
        try await Self.withServer { server, url, folder in
            let setup = try Setup(url: url, folder: folder)
            server.publish(try Self.document(), etag: "\"v1\"")
            #expect(await setup.refresher.refresh(0) == "updated")
            server.publish(
                try Self.document(certificates: ["idp-rsa", "idp-rsa2"], validUntil: Date().addingTimeInterval(-60)), etag: "\"v2\"")
            #expect(await setup.refresher.refresh(0) == "expired")
            #expect(setup.refreshes("expired") == "1")
            #expect(setup.failureLine("expired")?.contains("is in the past") == true)
            #expect(setup.signingKeyCount == 1)
        }
    }

    @Test func anHTTPErrorKeepsTheLastGoodCopy() async throws {
        try await Self.withServer { server, url, folder in
            let setup = try Setup(url: url, folder: folder)
            server.publish(try Self.document(), etag: "\"v1\"")
            #expect(await setup.refresher.refresh(0) == "updated")
            server.fail(with: .internalServerError)
            #expect(await setup.refresher.refresh(0) == "http_status")
            #expect(setup.refreshes("http_status") == "1")
            #expect(setup.failureLine("http_status")?.contains("500") == true)
            #expect(setup.signingKeyCount == 1)
        }
    }

    @Test func withTheServerDownAtStartTheCopyOnDiskIsUsed() async throws {
        let folder = try TestPaths.scratchDirectory()
        // Nothing listens on the discard port of loopback.
        let url = "http://127.0.0.1:9/metadata.xml"
        try Data(try Self.document()).write(to: URL(fileURLWithPath: folder + "/federation.xml"))
        let setup = try Setup(url: url, folder: folder)
        #expect(setup.signingKeyCount == 1)
        #expect(await setup.refresher.refresh(0) == "unreachable")
        #expect(setup.refreshes("unreachable") == "1")
        #expect(setup.failureLine("unreachable") != nil)
        #expect(setup.signingKeyCount == 1)
    }

    @Test func aTamperedCopyOnDiskIsNotLoaded() throws {
        let folder = try TestPaths.scratchDirectory()
        let signed = String(decoding: try Self.document(), as: UTF8.self)
        let altered = signed.replacingOccurrences(of: "https://idp.federation.test/sso", with: "https://evil.test/sso")
        try Data(altered.utf8).write(to: URL(fileURLWithPath: folder + "/federation.xml"))
        let setup = try Setup(url: "http://127.0.0.1:9/metadata.xml", folder: folder)
        #expect(setup.signingKeyCount == nil)
    }

    @Test func anExpiredCopyRefusesLoginsReadinessAndShowsInTheGauge() async throws {
        let folder = try TestPaths.scratchDirectory()
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        try Data(try Self.document(validUntil: start.addingTimeInterval(600))).write(to: URL(fileURLWithPath: folder + "/federation.xml"))
        let clock = ManualWallClock(start)
        let setup = try Setup(url: "http://127.0.0.1:9/metadata.xml", folder: folder, clock: clock)
        _ = try await setup.gateway.loginService.startLogin(idp: Self.entityID, relayState: "r")
        let app = GatehouseApplication.make(gateway: setup.gateway, logger: Logger(label: "test"))
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("gatehouse_metadata_valid_seconds{source=\"http://127.0.0.1:9/metadata.xml\"} 600"))
            clock.advance(by: 601)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(String(buffer: ready.body).contains("IdP metadata expired"))
        }
        await #expect {
            _ = try await setup.gateway.loginService.startLogin(idp: Self.entityID, relayState: "r")
        } throws: { error in
            (error as? LoginFailure)?.code == .metadataExpired && (error as? LoginFailure)?.status == .serviceUnavailable
        }
    }
}
