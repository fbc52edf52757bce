import Foundation
public import ServiceLifecycle

/// Keeps URL metadata sources current beside the server: fetches each when due (see
/// ``MetadataSourceTracker``) and, after a new verified copy, swaps the login service's
/// registry through `onUpdate` without a restart.
public struct MetadataRefresher: Service {
    /// The sources and their copies.
    public let tracker: MetadataSourceTracker
    let onUpdate: MetadataSourceTracker.UpdateHandler

    /// A refresher of `tracker`'s sources that calls `onUpdate` after each new copy.
    public init(tracker: MetadataSourceTracker, onUpdate: @escaping MetadataSourceTracker.UpdateHandler) {
        self.tracker = tracker
        self.onUpdate = onUpdate
    }

    /// A refresher that, after each new copy, rebuilds the IdP registry (the metadata folder
    /// from disk, each source from the tracker's verified copy, see
    /// ``MetadataSourceTracker/verifiedCopies()``) under the gateway's running configuration and swaps a new ``SAMLLoginService`` into
    /// `gateway`. `resolved` supplies the SP keys and metadata, which only a restart changes.
    /// `metadataQuery` is handed to every new login service, so IdPs fetched on demand stay.
    public static func swapping(
        into gateway: Gateway, resolved: ResolvedConfig, tracker: MetadataSourceTracker, metadataQuery: MetadataQueryCache? = nil
    ) -> MetadataRefresher {
        MetadataRefresher(tracker: tracker) {
            let config = gateway.config
            let verified = await tracker.verifiedCopies()
            let registry = try IdentityProviderRegistry.load(config: config, now: Date(), verified: verified).registry
            let refreshed = resolved.refreshed(config: config, registry: registry)
            gateway.reload(
                config: config, loginService: SAMLLoginService(resolved: refreshed, clock: gateway.clock, metadataQuery: metadataQuery))
        }
    }

    /// Fetches every source that is due now (after a reload: the new ones).
    public func refreshDue() async {
        _ = await tracker.refreshDue(onUpdate: onUpdate)
    }

    /// Fetches source `index` now; returns the outcome label.
    @discardableResult
    public func refresh(_ index: Int) async -> String {
        await tracker.refresh(index, onUpdate: onUpdate)
    }

    /// Fetches each source when due until graceful shutdown.
    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            _ = await tracker.refreshDue(onUpdate: onUpdate)
            // At least a second apart, so a clock step never turns this into a busy loop; at
            // most ten seconds, so a source a reload added is not left waiting for an old schedule.
            let wait = min(10, max(1, await tracker.nextDue().timeIntervalSince(tracker.clock.now)))
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(wait)) }
        }
    }
}
