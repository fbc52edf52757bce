public import Foundation
import Prometheus

extension GatehouseMetrics {
    /// Counts one refresh of a metadata source by outcome: `updated`, `not_modified`, or a
    /// ``MetadataRefreshError/Code`` raw value.
    public func metadataRefresh(source: String, outcome: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "gatehouse", metricName: "metadata_refresh", unitName: "total",
                helpText: "Fetches of IdP metadata sources, by source and outcome."),
            labels: [("source", source), ("outcome", outcome)]
        ).increment()
    }

    /// Counts one on-demand lookup of an MDQ source (`none` when no source may fetch the
    /// entity) by outcome: `hit`, `negative_hit`, `fetched`, `not_allowed`, `rate_limited`, or a
    /// ``MetadataRefreshError/Code`` raw value.
    public func metadataQuery(source: String, outcome: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "gatehouse", metricName: "metadata_query", unitName: "total",
                helpText: "On-demand lookups of IdP metadata at MDQ sources, by source and outcome."),
            labels: [("source", source), ("outcome", outcome)]
        ).increment()
    }

    /// Records the `validUntil` of the copy of `source` now in use (nil: it names none).
    public func metadataInUse(source: String, validUntil: Date?) {
        metadataExpiries.withLock { $0[source] = validUntil ?? .distantFuture }
    }

    /// Forgets `source`, no longer configured.
    public func metadataNotInUse(source: String) {
        metadataExpiries.withLock { $0[source] = nil }
    }

    /// Records the earliest `validUntil` of each metadata file and source the running IdP
    /// registry holds (see ``LoginService/metadataValidity()``), replacing the previous record.
    public func registryMetadataInUse(_ expiries: [String: Date]) {
        registryExpiries.withLock { $0 = expiries }
    }

    /// Every source and file in use with its `validUntil`: the refresher's copies and the
    /// registry's documents, the earlier instant where both name one.
    private func allExpiries() -> [String: Date] {
        let fromRegistry = registryExpiries.withLock { $0 }
        return metadataExpiries.withLock { $0 }.merging(fromRegistry) { min($0, $1) }
    }

    /// The sources and files whose copy in use is past its `validUntil` at `now`, sorted.
    public func expiredMetadataSources(at now: Date) -> [String] {
        allExpiries().filter { $0.value <= now }.keys.sorted()
    }

    /// Sets `gatehouse_metadata_valid_seconds{source}` (a file's path for the metadata folder)
    /// to the seconds left until each copy's
    /// `validUntil` at `now` (negative once expired; absent for a copy that names none).
    public func updateMetadataValidity(at now: Date) {
        for (source, validUntil) in allExpiries() where validUntil != .distantFuture {
            registry.makeGauge(
                descriptor: .init(
                    namespace: "gatehouse", metricName: "metadata_valid", unitName: "seconds",
                    helpText: "Seconds until the validUntil of the IdP metadata copy in use, by source."),
                labels: [("source", source)]
            ).set(to: validUntil.timeIntervalSince(now))
        }
    }
}
