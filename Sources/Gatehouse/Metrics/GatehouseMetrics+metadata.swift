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

    /// Records the `validUntil` of the copy of `source` now in use (nil: it names none).
    public func metadataInUse(source: String, validUntil: Date?) {
        metadataExpiries.withLock { $0[source] = validUntil ?? .distantFuture }
    }

    /// The sources whose copy in use is past its `validUntil` at `now`, sorted.
    public func expiredMetadataSources(at now: Date) -> [String] {
        metadataExpiries.withLock { $0.filter { $0.value <= now }.keys.sorted() }
    }

    /// Sets `gatehouse_metadata_valid_seconds{source}` to the seconds left until each copy's
    /// `validUntil` at `now` (negative once expired; absent for a copy that names none).
    public func updateMetadataValidity(at now: Date) {
        for (source, validUntil) in metadataExpiries.withLock({ $0 }) where validUntil != .distantFuture {
            registry.makeGauge(
                descriptor: .init(
                    namespace: "gatehouse", metricName: "metadata_valid", unitName: "seconds",
                    helpText: "Seconds until the validUntil of the IdP metadata copy in use, by source."),
                labels: [("source", source)]
            ).set(to: validUntil.timeIntervalSince(now))
        }
    }
}
