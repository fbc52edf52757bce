import Foundation
import Gatehouse
import Testing

@Suite struct ConfigCheckTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    func goodConfig() throws -> GatehouseConfig {
        let folder = try TestPaths.scratchDirectory()
        try FileManager.default.createDirectory(atPath: folder + "/idps", withIntermediateDirectories: true)
        try "<EntityDescriptor/>".write(toFile: folder + "/idps/idp.xml", atomically: true, encoding: .utf8)
        var config = GatehouseConfig(externalURL: "https://app.example.com", upstreams: [.init(url: "http://127.0.0.1:3000")])
        config.idpMetadataDirectory = folder + "/idps"
        config.session.path = folder + "/sessions.sqlite"
        config.serviceProvider = .init(
            keyPath: TestPaths.fixture("keys/sp.key"), certificatePath: TestPaths.fixture("keys/sp.crt"))
        return config
    }

    func messages(_ config: GatehouseConfig) -> [String] {
        ConfigCheck(now: now).problems(in: config).map(\.message)
    }

    @Test func goodConfigurationHasNoProblems() throws {
        #expect(ConfigCheck(now: now).problems(in: try goodConfig()) == [])
    }

    @Test func scimNeedsATokenAndEachTokenNamesOneTenant() throws {
        let hash = String(repeating: "0f", count: 32)
        var config = try goodConfig()
        config.scim.enabled = true
        #expect(messages(config).contains { $0.contains("no token is configured") })
        config.scim.tokens = [.init(sha256: hash, label: "okta")]
        #expect(messages(config) == [])
        var idp = IdentityProviderSettings(entityID: "https://idp.example")
        idp.scimToken = .init(sha256: hash, label: "entra")
        config.identityProviders = [idp]
        #expect(messages(config).contains { $0.contains("configured in both scim.tokens_sha256 and idps: https://idp.example") })
        config.scim.tokens = []
        #expect(messages(config) == [])
        config.scim.enabled = false
        #expect(messages(config) == ["scim: tokens are configured but scim.enabled is false, so /scim/v2 answers 404."])
    }

    @Test func opsPortMustBeAPortOfItsOwn() throws {
        var config = try goodConfig()
        config.listen.opsPort = 9090
        #expect(messages(config) == [])
        config.listen.opsPort = config.listen.port
        #expect(messages(config).contains { $0.contains("listen.ops_port is listen.port") })
        config.listen.opsPort = 70_000
        #expect(messages(config).contains { $0.contains("listen.ops_port 70000 is not a TCP port") })
    }

    @Test func keyThatDoesNotMatchCertificateIsAnError() throws {
        var config = try goodConfig()
        config.serviceProvider.certificatePath = TestPaths.fixture("keys/sp2.crt")
        #expect(messages(config).contains { $0.contains("does not belong to") })
    }

    @Test func missingAndUnparsableKeyFilesAreNamed() throws {
        var config = try goodConfig()
        config.serviceProvider.keyPath = "/nonexistent/sp.key"
        config.serviceProvider.certificatePath = TestPaths.fixture("keys/sp.key")
        let found = messages(config)
        #expect(found.contains { $0.contains("/nonexistent/sp.key") && $0.contains("does not exist") })
        #expect(found.contains { $0.contains("is not a PEM certificate") })
    }

    @Test func certificateNearExpiryWarnsAndExpiredOneFails() throws {
        let config = try goodConfig()
        // The fixture certificates expire on 2100-01-01.
        let expiry = Date(timeIntervalSince1970: 4_102_444_800)
        let soon = ConfigCheck(now: expiry.addingTimeInterval(-86_400)).problems(in: config)
        #expect(soon.contains { $0.severity == .warning && $0.message.contains("expires") })
        let late = ConfigCheck(now: expiry.addingTimeInterval(86_400)).problems(in: config)
        #expect(late.contains { $0.severity == .error && $0.message.contains("expired") })
    }

    @Test(arguments: [
        "app.example.com", "ftp://app.example.com", "https://", "https://app.example.com/base", "https://app.example.com?x=1",
    ])
    func insaneExternalURLIsAnError(_ url: String) throws {
        var config = try goodConfig()
        config.externalURL = url
        #expect(messages(config).contains { $0.hasPrefix("external_url") })
    }

    @Test func plainHTTPWithSecureCookieIsAnError() throws {
        var config = try goodConfig()
        config.externalURL = "http://localhost:8080"
        #expect(messages(config).contains { $0.contains("cookie.secure") })
        config.cookie.secure = false
        #expect(messages(config) == [])
    }

    @Test func metadataFolderMustExistAndHoldXML() throws {
        var config = try goodConfig()
        config.idpMetadataDirectory = "/nonexistent/idps"
        #expect(messages(config).contains { $0.contains("idp_metadata_dir") && $0.contains("does not exist") })
        config.idpMetadataDirectory = try TestPaths.scratchDirectory()
        #expect(messages(config).contains { $0.contains("no .xml metadata file") })
    }

    @Test func metadataValidatorFindingsAreReportedPerFile() throws {
        let config = try goodConfig()
        let check = ConfigCheck(now: now, metadataValidator: { _ in ["no signing certificate"] })
        #expect(check.problems(in: config).contains { $0.message.hasSuffix("idp.xml: no signing certificate") })
    }

    @Test func ruleThatOnlyAsksForAnAuthenticationContextRequiresSomething() throws {
        var config = try goodConfig()
        var stepUp = AccessRule(prefix: "/secure")
        stepUp.authnContext = ["https://refeds.org/profile/mfa"]
        config.accessRules = [stepUp, AccessRule(prefix: "/open")]
        let found = messages(config)
        #expect(!found.contains { $0.contains("access_rules.0") }, "\(found)")
        #expect(found.contains { $0.contains("access_rules.1") && $0.contains("requires nothing") }, "\(found)")
    }

    @Test func badFieldsAreEachNamed() throws {
        var config = try goodConfig()
        config.upstreams = [.init(url: "not a url"), .init(url: "http://b", prefix: "api")]
        config.trustedProxies = ["10.0.0.0/99"]
        config.routePrefix = "/"
        config.publicPaths = ["static"]
        config.cookie.name = "bad name"
        config.session.path = "/nonexistent/folder/s.sqlite"
        config.identityHeaders.rules = [HeaderRule(header: "X User", fromNameID: true), HeaderRule(header: "X-Empty")]
        let found = messages(config)
        for field in [
            "upstreams.0.url", "upstreams.1.prefix", "trusted_proxies.0", "route_prefix", "public_paths.0", "cookie.name",
            "session.path", "'X User'", "X-Empty has no source",
        ] {
            #expect(found.contains { $0.contains(field) }, "no problem names \(field)")
        }
    }
}
