import Foundation
import Gatehouse
import Logging
import SAML
import Testing

/// The registry built from the copy a metadata source's tracker verified in memory, and the
/// cache file put back when the registry refuses a new copy.
@Suite struct MetadataVerifiedCopyTests {
    struct Refused: Error {}

    static func tracker(_ source: MetadataSourceSettings) -> MetadataSourceTracker {
        var logger = Logger(label: "gatehouse")
        logger.logLevel = .critical
        return MetadataSourceTracker(sources: [source], metrics: GatehouseMetrics(), logger: logger)
    }

    /// The signing keys of the first IdP in the tracker's copy.
    static func keyCount(_ tracker: MetadataSourceTracker) async -> Int? {
        guard let entity = await tracker.verifiedCopies().first?.copy.metadata.identityProviderEntities.first else { return nil }
        return try? IdentityProvider(entity).signingKeys.count
    }

    static func config(_ source: MetadataSourceSettings, folder: String) -> GatehouseConfig {
        var config = GatehouseConfig(externalURL: "https://gw.test", upstreams: [.init(url: "http://127.0.0.1:9")])
        config.idpMetadataDirectory = folder + "/idps"
        config.metadataSources = [source]
        return config
    }

    @Test func theRegistryUsesTheVerifiedCopyOnlyForTheSettingsItVerifiedUnder() async throws {
        try await MetadataRefreshTests.withServer { server, url, folder in
            let source = MetadataSourceSettings(
                url: url, certificate: TestPaths.fixture("keys/sp2.crt"), cacheFile: folder + "/federation.xml",
                timeout: .init(seconds: 2))
            let tracker = Self.tracker(source)
            server.publish(try MetadataRefreshTests.document(), etag: "\"v1\"")
            #expect(await tracker.refresh(0, onUpdate: nil) == "updated")
            let verified = await tracker.verifiedCopies()
            #expect(verified.count == 1)
            // The file is altered after it was written: the verified copy in memory is used.
            try Data("<not metadata/>".utf8).write(to: URL(fileURLWithPath: source.cacheFile))
            let loaded = try IdentityProviderRegistry.load(config: Self.config(source, folder: folder), now: Date(), verified: verified)
            #expect(loaded.registry.entry(MetadataRefreshTests.entityID) != nil)
            #expect(loaded.warnings.isEmpty)
            // The same URL under another certificate: the copy does not count, the file is read
            // and verified, and the altered file is not loaded.
            var other = source
            other.certificate = TestPaths.fixture("keys/attacker.crt")
            let otherLoad = try? IdentityProviderRegistry.load(config: Self.config(other, folder: folder), now: Date(), verified: verified)
            #expect(otherLoad == nil)
        }
    }

    @Test func aRefusedCopyPutsTheFileAndTheCopyBack() async throws {
        try await MetadataRefreshTests.withServer { server, url, folder in
            let source = MetadataSourceSettings(
                url: url, certificate: TestPaths.fixture("keys/sp2.crt"), cacheFile: folder + "/federation.xml",
                timeout: .init(seconds: 2))
            let tracker = Self.tracker(source)
            let good = try MetadataRefreshTests.document()
            server.publish(good, etag: "\"v1\"")
            #expect(await tracker.refresh(0, onUpdate: nil) == "updated")
            let before = await Self.keyCount(tracker)
            #expect(before == 1)
            server.publish(try MetadataRefreshTests.document(certificates: ["idp-rsa", "idp-rsa2"]), etag: "\"v2\"")
            let seen = await tracker.refresh(0) {
                // The new copy is what the registry is built from while it is being installed.
                #expect(await Self.keyCount(tracker) == 2)
                throw Refused()
            }
            #expect(seen == "malformed")
            #expect(FileManager.default.contents(atPath: source.cacheFile).map(Array.init) == good)
            #expect(!FileManager.default.fileExists(atPath: source.cacheFile + ".previous"))
            #expect(await Self.keyCount(tracker) == 1)
            // Accepted: the new file stays and nothing is left beside it.
            #expect(await tracker.refresh(0) {} == "updated")
            #expect(FileManager.default.contents(atPath: source.cacheFile).map(Array.init) != good)
            #expect(!FileManager.default.fileExists(atPath: source.cacheFile + ".previous"))
        }
    }
}
