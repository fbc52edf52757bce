import Foundation
import Gatehouse
import Logging

/// `metadata-url`: an aggregate loaded as `gatehouse serve` loads a URL metadata source: one
/// fetch through ``MetadataSourceTracker`` (HTTP GET, root signature verified, IdPs checked,
/// verified copy written to the cache file), then the IdP registry built from the verified copy
/// the tracker holds (as at every start and refresh), then a conditional GET that the server
/// answers 304. Reports each step's time and the process's peak RSS.
enum MetadataURLBenchmark {
    static func run(_ options: Options) async throws {
        let url = try options.required("url")
        let cache = try options.required("cache")
        let source = MetadataSourceSettings(
            url: url, certificate: try options.required("cert"), cacheFile: cache, timeout: .init(seconds: 600))
        var config = GatehouseConfig(externalURL: "http://127.0.0.1", upstreams: [.init(url: "http://127.0.0.1:9")])
        config.idpMetadataDirectory = (cache as NSString).deletingLastPathComponent + "/no-idps"
        config.metadataSources = [source]
        var logger = Logger(label: "gatehouse-bench")
        logger.logLevel = .critical
        let tracker = MetadataSourceTracker(sources: [source], metrics: GatehouseMetrics(), logger: logger)
        let wallStart = Measurement.now()
        let cpuStart = Measurement.cpuSeconds()
        let outcome = await tracker.refresh(0, onUpdate: nil)
        let fetched = Measurement.now()
        var result: [String: Any] = ["outcome": outcome, "fetch_verify_write_s": fetched - wallStart]
        let registry = buildRegistry(config, verified: await tracker.verifiedCopies())
        result["registry_s"] = Measurement.now() - fetched
        result["wall_s"] = Measurement.now() - wallStart
        result["cpu_s"] = Measurement.cpuSeconds() - cpuStart
        result["peak_rss"] = Measurement.peakRSSBytes()
        result["ok"] = outcome == "updated" && registry.error == nil
        result["idps"] = registry.count
        if let error = registry.error { result["error"] = error }
        let again = Measurement.now()
        result["conditional_outcome"] = await tracker.refresh(0, onUpdate: nil)
        result["conditional_s"] = Measurement.now() - again
        result["file_bytes"] = (try? FileManager.default.attributesOfItem(atPath: cache)[.size] as? Int) ?? 0
        Measurement.emit(result)
    }

    // Synchronous: a typed-throws do/catch in an async function crashes the release optimizer
    // (see MetadataBenchmark).
    private static func buildRegistry(_ config: GatehouseConfig, verified: [VerifiedMetadataCopy]) -> (count: Int, error: String?) {
        do {
            return (try IdentityProviderRegistry.load(config: config, now: Date(), verified: verified).registry.entries.count, nil)
        } catch {
            return (0, error.description)
        }
    }
}
