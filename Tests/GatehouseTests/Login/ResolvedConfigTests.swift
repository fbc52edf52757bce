import Foundation
import Gatehouse
import Hummingbird
import HummingbirdTesting
import Logging
import SAML
import Synchronization
import Testing
import XMLSecurity

/// One load-and-validate path for serve, check-config, reload and `metadata sp`, and one SP
/// metadata document for the served endpoint and the command line.
@Suite struct ResolvedConfigTests {
    /// A configuration file in a new folder, with the SP key pair `keys/<key>.key`/`.crt` if any.
    static func configFile(key: String?, idps: String = TestPaths.fixture("idp-metadata"), extra: String = "") throws -> String {
        let path = try TestPaths.scratchDirectory() + "/gatehouse.yaml"
        var yaml = """
            external_url: https://sp.example.com
            idp_metadata_dir: \(idps)
            upstreams: [{ url: "http://127.0.0.1:9" }]
            session: { store: memory }

            """
        if let key {
            yaml +=
                "service_provider: { key: \(TestPaths.fixture("keys/\(key).key")), certificate: \(TestPaths.fixture("keys/\(key).crt")) }\n"
        }
        try (yaml + extra).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The body the running gateway serves at `/saml/metadata` for `resolved`.
    static func served(_ resolved: ResolvedConfig) async throws -> String {
        let gateway = Gateway(config: resolved.config, store: MemorySessionStore(), loginService: SAMLLoginService(resolved: resolved))
        var logger = Logger(label: "metadata-test")
        logger.logLevel = .critical
        let app = Application(router: GatehouseApplication.makeRouter(gateway: gateway), logger: logger)
        let body = try await app.test(.router) { client in
            let response = try await client.execute(uri: "/saml/metadata", method: .get)
            #expect(response.status == .ok)
            return String(buffer: response.body)
        }
        await gateway.shutdown()
        return body
    }

    static func resolved(_ path: String) throws -> ResolvedConfig {
        let report = ResolvedConfig.resolve(configAt: path, environment: [:])
        #expect(report.errors == [])
        return try #require(report.resolved)
    }

    static func verify(_ xml: String, certificate name: String) throws {
        let document = try XMLDocument(parsing: xml)
        _ = try SignatureVerifier.verify(document.root, trustedKeys: [try TrustedKey(certificatePEM: try key(name + ".crt"))])
    }

    static func key(_ name: String) throws -> String {
        try String(contentsOfFile: TestPaths.fixture("keys/" + name), encoding: .utf8)
    }

    static func elements(_ name: String, in xml: String) throws -> [XMLElement] {
        try XMLDocument(parsing: xml).root.descendants(named: name, namespace: SAMLNamespace.metadata)
    }

    @Test func rsaKeyMetadataIsSignedAndServedExactlyAsTheCommandPrintsIt() async throws {
        let path = try Self.configFile(key: "sp")
        let served = try await Self.served(try Self.resolved(path))
        let printed = try GatehouseLauncher.serviceProviderMetadata(configAt: path)
        #expect(served == printed)
        try Self.verify(served, certificate: "sp")
        #expect(try Self.elements("KeyDescriptor", in: served).map { $0.attribute("use") } == ["signing", "encryption"])
        let method = try XMLDocument(parsing: served).root.descendants(named: "SignatureMethod", namespace: SAMLNamespace.xmldsig)
        #expect(method.first?.attribute("Algorithm") == SignatureAlgorithm.rsaSHA256.rawValue)
    }

    @Test func ecKeyMetadataIsSignedWithECDSAAndAdvertisesNoEncryption() async throws {
        let path = try Self.configFile(key: "idp-ec")
        #expect(GatehouseLauncher.check(configAt: path, environment: [:]).errors == [])
        let resolved = try Self.resolved(path)
        let served = try await Self.served(resolved)
        // Built once: every request gets the same bytes.
        #expect(served == resolved.serviceProviderMetadata)
        let printed = try GatehouseLauncher.serviceProviderMetadata(configAt: path)
        try Self.verify(served, certificate: "idp-ec")
        try Self.verify(printed, certificate: "idp-ec")
        // ECDSA signatures are randomised; everything else is the same document.
        func unsigned(_ xml: String) -> String {
            xml.replacing(/<ds:SignatureValue>[^<]*<\/ds:SignatureValue>/, with: "")
        }
        #expect(unsigned(served) == unsigned(printed))
        let method = try XMLDocument(parsing: served).root.descendants(named: "SignatureMethod", namespace: SAMLNamespace.xmldsig)
        #expect(method.first?.attribute("Algorithm") == SignatureAlgorithm.ecdsaSHA256.rawValue)
        // An EC key cannot decrypt assertions, so no encryption certificate is offered.
        #expect(try Self.elements("KeyDescriptor", in: served).map { $0.attribute("use") } == ["signing"])
    }

    @Test func metadataWithoutAKeyIsUnsignedAndTheSameServedAndPrinted() async throws {
        let path = try Self.configFile(key: nil)
        let served = try await Self.served(try Self.resolved(path))
        #expect(served == (try GatehouseLauncher.serviceProviderMetadata(configAt: path)))
        #expect(!served.contains("Signature"))
    }

    @Test func metadataAdvertisesTheSingleLogoutServicesOnlyWithAKey() async throws {
        let unsigned = try Self.resolved(try Self.configFile(key: nil))
        #expect(try Self.elements("SingleLogoutService", in: unsigned.serviceProviderMetadata).isEmpty)
        let resolved = try Self.resolved(try Self.configFile(key: "sp"))
        let advertised = try Self.elements("SingleLogoutService", in: resolved.serviceProviderMetadata)
        #expect(
            advertised.map { "\($0.attribute("Binding") ?? "") \($0.attribute("Location") ?? "")" } == [
                "\(SAMLBinding.httpRedirect) \(resolved.config.endpointURL("slo"))",
                "\(SAMLBinding.httpPOST) \(resolved.config.endpointURL("slo"))",
                "\(SAMLBinding.soap) \(resolved.config.endpointURL("slo/soap"))",
            ])
        try Self.verify(resolved.serviceProviderMetadata, certificate: "sp")
        let slo = Endpoint(binding: SAMLBinding.httpRedirect, location: "https://sp.example.com/saml/slo")
        let offered = try ServiceProviderMetadata.document(
            for: resolved.config, keys: resolved.serviceProviderKeys, singleLogoutServices: [slo])
        #expect(try Self.elements("SingleLogoutService", in: offered).map { $0.attribute("Location") } == [slo.location])
        try Self.verify(offered, certificate: "sp")
    }

    @Test func alteredSignedMetadataNoLongerVerifies() throws {
        let xml = try Self.resolved(try Self.configFile(key: "sp")).serviceProviderMetadata
        let altered = xml.replacingOccurrences(of: "https://sp.example.com/saml/acs", with: "https://evil.example/saml/acs")
        #expect(altered != xml)
        let error = #expect(throws: XMLSecurityError.self) { try Self.verify(altered, certificate: "sp") }
        #expect(error?.code == .digestMismatch || error?.code == .signatureMismatch)
    }

    @Test func metadataNeedsNoRegisteredIdP() throws {
        let path = try Self.configFile(key: "sp", idps: "/nonexistent")
        #expect(!GatehouseLauncher.check(configAt: path, environment: [:]).errors.isEmpty)
        try Self.verify(try GatehouseLauncher.serviceProviderMetadata(configAt: path), certificate: "sp")
    }

    @Test func aKeyThatCannotSignIsACheckConfigError() throws {
        let path = try Self.configFile(key: nil)
        let broken = try TestPaths.scratchDirectory() + "/sp.key"
        try "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".write(toFile: broken, atomically: true, encoding: .utf8)
        try
            (try String(contentsOfFile: path, encoding: .utf8)
            + "service_provider: { key: \(broken), certificate: \(TestPaths.fixture("keys/sp.crt")) }\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let (errors, _) = GatehouseLauncher.check(configAt: path, environment: [:])
        #expect(errors.contains { $0.hasPrefix("service_provider.key") })
        #expect(throws: GatehouseLauncher.Failure.self) { try GatehouseLauncher.serviceProviderMetadata(configAt: path) }
    }

    /// Collects the `config.problem` of every refused reload.
    final class Refusals: LogHandler, @unchecked Sendable {
        // @unchecked: the only state is behind the Mutex; LogHandler's own properties are
        // never written after creation.
        let problems = Mutex<[String]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            if case .string(let problem) = event.metadata?["config.problem"] { problems.withLock { $0.append(problem) } }
        }
    }

    @Test func aRefusedReloadLogsExactlyTheErrorsCheckConfigPrints() throws {
        let path = try Self.configFile(key: nil)
        let running = try Self.resolved(path)
        let gateway = Gateway(config: running.config, store: MemorySessionStore(), loginService: SAMLLoginService(resolved: running))
        let refusals = Refusals()
        let reloader = ConfigReloader(
            configPath: path, gateway: gateway, running: running, environment: [:],
            logger: Logger(label: "reload", factory: { _ in refusals })
        ) { SAMLLoginService(resolved: $0) }
        try """
        external_url: https://sp.example.com
        idp_metadata_dir: /nonexistent
        upstreams: [{ url: "ftp://nowhere" }]
        session: { store: memory, idle_timout: 5m }
        listen: { port: 70000 }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let expected = GatehouseLauncher.check(configAt: path, environment: [:]).errors
        #expect(expected.count >= 4)
        #expect(!reloader.reload())
        #expect(refusals.problems.withLock { $0 } == expected)
        #expect(gateway.config == running.config)
    }

    @Test func reloadKeepsTheSPKeysAndNamesAKeyPairReplacedInPlace() throws {
        let folder = try TestPaths.scratchDirectory()
        for suffix in ["key", "crt"] {
            try FileManager.default.copyItem(atPath: TestPaths.fixture("keys/sp.\(suffix)"), toPath: folder + "/own.\(suffix)")
        }
        let path = try Self.configFile(key: nil, extra: "service_provider: { key: \(folder)/own.key, certificate: \(folder)/own.crt }\n")
        let running = try Self.resolved(path)
        for suffix in ["key", "crt"] {
            try Self.key("sp2.\(suffix)").write(toFile: folder + "/own.\(suffix)", atomically: true, encoding: .utf8)
        }
        try (try String(contentsOfFile: path, encoding: .utf8) + "public_paths: [/open]\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let new = try Self.resolved(path)
        let (merged, needsRestart) = running.reloaded(from: new)
        #expect(merged.config.publicPaths == ["/open"])
        #expect(merged.serviceProviderMetadata == running.serviceProviderMetadata)
        #expect(merged.serviceProviderKeys?.certificateDER == running.serviceProviderKeys?.certificateDER)
        #expect(new.serviceProviderKeys?.certificateDER != running.serviceProviderKeys?.certificateDER)
        #expect(needsRestart == ["service_provider"])
    }
}
