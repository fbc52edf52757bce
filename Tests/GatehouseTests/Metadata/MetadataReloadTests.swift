import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SAML
import Testing

/// `metadata_sources` follow the file on SIGHUP like the rest of it; `check-config` reads them
/// the same way; a metadata file past its `validUntil` makes the gateway not ready.
@Suite struct MetadataReloadTests {
    /// A configuration file with the metadata folder `idps` and `extra` YAML appended.
    static func yaml(idps: String, extra: String = "") -> String {
        """
        listen: {address: 127.0.0.1, port: 0}
        external_url: http://localhost
        idp_metadata_dir: \(idps)
        upstreams:
          - url: http://127.0.0.1:9
        session: {store: memory}
        cookie: {secure: false}
        \(extra)
        """
    }

    static func source(_ url: String, folder: String, extra: String = "") -> String {
        """
        metadata_sources:
          - url: \(url)
            certificate: \(TestPaths.fixture("keys/sp2.crt"))
            cache_file: \(folder)/federation.xml
            timeout: 2s
        \(extra)
        """
    }

    /// A metadata folder holding IdP `a` of ``PolicyIdPs``, valid until `validUntil` if given.
    static func idpFolder(in folder: String, validUntil: Date? = nil) throws -> String {
        let idps = folder + "/idps"
        try FileManager.default.createDirectory(atPath: idps, withIntermediateDirectories: true)
        var xml = try PolicyIdPs.metadata(PolicyIdPs.a)
        if let validUntil {
            xml = xml.replacingOccurrences(
                of: "entityID=\"\(PolicyIdPs.a)\"", with: "entityID=\"\(PolicyIdPs.a)\" validUntil=\"\(SAMLInstant.format(validUntil))\"")
        }
        try xml.write(toFile: idps + "/a.xml", atomically: true, encoding: .utf8)
        return idps
    }

    static func federationEntry(_ gateway: Gateway) -> IdentityProviderRegistry.Entry? {
        (gateway.loginService as? SAMLLoginService)?.registry.entry(MetadataRefreshTests.entityID)
    }

    @Test func sourcesAddedChangedAndRemovedOnReloadTakeEffectWithoutARestart() async throws {
        try await MetadataRefreshTests.withServer { server, url, folder in
            server.publish(try MetadataRefreshTests.document(), etag: "\"v1\"")
            let idps = try Self.idpFolder(in: folder)
            let file = folder + "/gatehouse.yaml"
            try Self.yaml(idps: idps).write(toFile: file, atomically: true, encoding: .utf8)
            let resolved = try #require(ResolvedConfig.resolve(configAt: file).resolved)
            let logs = MetadataRefreshTests.LogCapture()
            let logger = Logger(
                label: "gatehouse", factory: JSONLogHandler.factory(for: LogSettings(format: .text, level: .debug), stream: logs))
            let metrics = GatehouseMetrics()
            let query = MetadataQueryCache(sources: [], metrics: metrics, logger: logger)
            let gateway = Gateway(
                config: resolved.config, store: MemorySessionStore(),
                loginService: SAMLLoginService(resolved: resolved, metadataQuery: query), metrics: metrics)
            let tracker = MetadataSourceTracker(sources: [], metrics: metrics, logger: logger)
            let reloader = ConfigReloader(
                configPath: file, gateway: gateway, running: resolved, logger: logger,
                afterReload: GatehouseLauncher.metadataReload(into: gateway, resolved: resolved, tracker: tracker, metadataQuery: query)
            ) { SAMLLoginService(resolved: $0, metadataQuery: query) }
            #expect(Self.federationEntry(gateway) == nil)

            // Added: fetched at once and swapped in.
            try (Self.yaml(idps: idps, extra: Self.source(url, folder: folder))).write(toFile: file, atomically: true, encoding: .utf8)
            #expect(await reloader.reloadAndApply())
            #expect(Self.federationEntry(gateway)?.provider.signingKeys.count == 1)
            #expect(gateway.loginService is SAMLLoginService)
            #expect(FileManager.default.fileExists(atPath: folder + "/federation.xml"))
            #expect(metrics.render().contains("gatehouse_metadata_refresh_total{source=\"\(url)\",outcome=\"updated\"} 1"))
            #expect(logs.lines.contains { $0.contains("metadata sources reloaded") && $0.contains(url) })
            #expect(!logs.lines.contains { $0.contains("config.field=metadata_sources") })

            // Removed: its IdPs go with it.
            try Self.yaml(idps: idps).write(toFile: file, atomically: true, encoding: .utf8)
            #expect(await reloader.reloadAndApply())
            #expect(Self.federationEntry(gateway) == nil)

            // Changed into an MDQ source that fetches on demand: a login for it now works.
            let base = url.replacingOccurrences(of: "/metadata.xml", with: "")
            let onDemand = Self.source(base, folder: folder, extra: "    on_demand: {allow: [\"https://idp.federation.test/*\"]}")
            try Self.yaml(idps: idps, extra: onDemand).write(toFile: file, atomically: true, encoding: .utf8)
            #expect(await reloader.reloadAndApply())
            _ = try await gateway.loginService.startLogin(idp: MetadataRefreshTests.entityID, relayState: "r")
            #expect(server.targets.last == MetadataOnDemandTests.entityPath)
            #expect(metrics.render().contains("gatehouse_metadata_query_total{source=\"\(base)\",outcome=\"fetched\"} 1"))
        }
    }

    @Test func aBadSourceRefusesTheReloadAndCheckConfigNamesIt() throws {
        let folder = try TestPaths.scratchDirectory()
        let idps = try Self.idpFolder(in: folder)
        let file = folder + "/gatehouse.yaml"
        let source = Self.source("https://mdq.example", folder: folder, extra: "    on_demand: {alow: [\"x\"]}")
        try Self.yaml(idps: idps, extra: source).write(toFile: file, atomically: true, encoding: .utf8)
        let report = ResolvedConfig.resolve(configAt: file)
        #expect(report.resolved == nil)
        #expect(report.errors.contains { $0.contains("unknown field metadata_sources.0.on_demand.alow") })
        #expect(report.errors.contains { $0.contains("on_demand needs `allow`") })
        let any = Self.source("https://mdq.example", folder: folder, extra: "    on_demand: {allow_any: true}")
        try Self.yaml(idps: idps, extra: any).write(toFile: file, atomically: true, encoding: .utf8)
        let allowed = ResolvedConfig.resolve(configAt: file)
        #expect(allowed.errors == [])
        #expect(allowed.warnings.contains { $0.contains("allow_any trusts every IdP") })
    }

    @Test func anExpiredMetadataFileMakesTheGatewayNotReadyAndShowsInTheGauge() async throws {
        let folder = try TestPaths.scratchDirectory()
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let idps = try Self.idpFolder(in: folder, validUntil: start.addingTimeInterval(600))
        var config = GatehouseConfig(externalURL: "https://gw.test", upstreams: [.init(url: "http://127.0.0.1:9")])
        config.idpMetadataDirectory = idps
        let registry = try IdentityProviderRegistry.load(directory: idps)
        let resolved = try ResolvedConfig(config: config, serviceProviderKeys: nil, registry: registry)
        let clock = ManualWallClock(start)
        let gateway = Gateway(
            config: config, store: MemorySessionStore(), loginService: SAMLLoginService(resolved: resolved, clock: clock), clock: clock)
        let logs = MetadataRefreshTests.LogCapture()
        let logger = Logger(label: "gatehouse", factory: JSONLogHandler.factory(for: LogSettings(format: .text), stream: logs))
        let app = GatehouseApplication.make(gateway: gateway, logger: logger)
        let path = idps + "/a.xml"
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("gatehouse_metadata_valid_seconds{source=\"\(path)\"} 600"))
            clock.advance(by: 601)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(String(buffer: ready.body).contains("IdP metadata expired: \(path)"))
            let after = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(after.contains("gatehouse_metadata_valid_seconds{source=\"\(path)\"} -1"))
        }
        #expect(logs.lines.contains { $0.contains("not ready: IdP metadata expired") && $0.contains(path) })
    }
}
