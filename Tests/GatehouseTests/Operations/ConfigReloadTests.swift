import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite struct ConfigReloadTests {
    static let logger: Logger = {
        var logger = Logger(label: "reload-test")
        logger.logLevel = .critical
        return logger
    }()

    /// A configuration file for `upstream` with `extra` YAML appended.
    static func yaml(upstream: String, idps: String = TestPaths.fixture("idp-metadata"), extra: String) -> String {
        """
        listen: {address: 127.0.0.1, port: 0}
        external_url: http://localhost
        idp_metadata_dir: \(idps)
        upstreams:
          - url: \(upstream)
        session: {store: memory}
        cookie: {secure: false}
        \(extra)
        """
    }

    /// The harness's configuration as the running one (no SP keys, no IdPs).
    static func running(_ config: GatehouseConfig) throws -> ResolvedConfig {
        try ResolvedConfig(config: config, serviceProviderKeys: nil, registry: IdentityProviderRegistry(documents: []))
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func onlyReloadableFieldsChangeAndTheOthersAreNamed() {
        var old = GatehouseConfig(externalURL: "http://localhost", upstreams: [.init(url: "http://127.0.0.1:1")])
        old.publicPaths = ["/a"]
        var new = old
        new.publicPaths = ["/b"]
        new.accessRules = [AccessRule(prefix: "/x", anyGroups: ["g"])]
        new.upstreams = [.init(url: "http://127.0.0.1:2")]
        new.listen.port = 9999
        new.cookie.name = "other"
        let (merged, needsRestart) = old.reloaded(from: new)
        #expect(merged.publicPaths == ["/b"])
        #expect(merged.accessRules == new.accessRules)
        #expect(merged.upstreams == new.upstreams)
        #expect(merged.listen == old.listen)
        #expect(merged.cookie == old.cookie)
        #expect(needsRestart == ["listen", "cookie"])
    }

    @Test func reloadAppliesNewRulesToNewRequestsAndKeepsSessions() async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            let file = try TestPaths.scratchDirectory() + "/gatehouse.yaml"
            let reloader = ConfigReloader(
                configPath: file, gateway: harness.gateway, running: try Self.running(harness.config), logger: Self.logger
            ) {
                _ in FakeLoginService()
            }
            let (_, before) = try await harness.echo("/admin/panel", session: session)
            #expect(before.status == .forbidden)
            let (_, closed) = try await harness.echo("/open/page", session: nil)
            #expect(closed.status == .unauthorized)
            try Self.write(
                Self.yaml(
                    upstream: harness.config.upstreams[0].url,
                    extra: """
                        public_paths: [/public, /open]
                        access_rules:
                          - prefix: /admin
                            any_groups: [staff]
                        """), to: file)
            #expect(reloader.reload())
            let (echo, after) = try await harness.echo("/admin/panel", session: session)
            #expect(after.status == .ok)
            #expect(echo?.values("X-Forwarded-User") == ["alice@test.example"])
            let (_, open) = try await harness.echo("/open/page", session: nil)
            #expect(open.status == .ok)
        }
    }

    @Test func badConfigurationIsRefusedAndTheOldOneStays() async throws {
        try await GatewayHarness.run { harness in
            let file = try TestPaths.scratchDirectory() + "/gatehouse.yaml"
            let reloader = ConfigReloader(
                configPath: file, gateway: harness.gateway, running: try Self.running(harness.config), logger: Self.logger
            ) {
                _ in FakeLoginService()
            }
            #expect(!reloader.reload())  // missing file
            try Self.write("upstreams: [[[", to: file)
            #expect(!reloader.reload())  // not YAML
            try Self.write(Self.yaml(upstream: "ftp://nowhere", extra: "public_paths: [/everything]"), to: file)
            #expect(!reloader.reload())  // fails the check
            try Self.write(Self.yaml(upstream: "http://127.0.0.1:1", idps: "/nonexistent", extra: ""), to: file)
            #expect(!reloader.reload())  // no metadata
            try Self.write(Self.yaml(upstream: harness.config.upstreams[0].url, extra: "public_path: [/everything]"), to: file)
            #expect(!reloader.reload())  // misspelled field, refused as at start
            #expect(harness.config.publicPaths == ["/public"])
            let (echo, response) = try await harness.echo("/public/x", session: nil)
            #expect(response.status == .ok)
            #expect(echo != nil)
        }
    }

    @Test func metadataFolderIsReloadedAndBadMetadataIsRefused() async throws {
        let folder = try TestPaths.scratchDirectory()
        try FileManager.default.copyItem(atPath: TestPaths.fixture("idp-metadata/okta.xml"), toPath: folder + "/okta.xml")
        let file = folder + "/gatehouse.yaml"
        try Self.write(Self.yaml(upstream: "http://127.0.0.1:1", idps: folder, extra: ""), to: file)
        let running = try #require(ResolvedConfig.resolve(configAt: file, environment: [:]).resolved)
        let gateway = Gateway(config: running.config, store: MemorySessionStore(), loginService: SAMLLoginService(resolved: running))
        let reloader = ConfigReloader(configPath: file, gateway: gateway, running: running, environment: [:], logger: Self.logger) {
            SAMLLoginService(resolved: $0)
        }
        #expect(await gateway.loginService.identityProviders().count == 1)
        try FileManager.default.copyItem(atPath: TestPaths.fixture("idp-metadata/keycloak.xml"), toPath: folder + "/keycloak.xml")
        #expect(reloader.reload())
        #expect(await gateway.loginService.identityProviders().count == 2)
        try Self.write("<EntityDescriptor", to: folder + "/broken.xml")
        #expect(!reloader.reload())
        #expect(await gateway.loginService.identityProviders().count == 2)
        await gateway.shutdown()
    }

    @Test func eachTriggerReloadsUntilTheSequenceEnds() async throws {
        try await GatewayHarness.run { harness in
            let file = try TestPaths.scratchDirectory() + "/gatehouse.yaml"
            try Self.write(Self.yaml(upstream: harness.config.upstreams[0].url, extra: "public_paths: [/reloaded]"), to: file)
            let reloader = ConfigReloader(
                configPath: file, gateway: harness.gateway, running: try Self.running(harness.config), logger: Self.logger
            ) {
                _ in FakeLoginService()
            }
            let (triggers, trigger) = AsyncStream.makeStream(of: Void.self)
            trigger.yield()
            trigger.finish()
            try await reloader.reload(on: triggers)
            #expect(harness.config.publicPaths == ["/reloaded"])
        }
    }

    @Test func idpAddTellsTheAdminToSendSIGHUP() {
        #expect(GatehouseLauncher.reloadHint.contains("SIGHUP"))
    }
}
