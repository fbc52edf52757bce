public import Logging
public import ServiceLifecycle

/// A background service that deletes expired sessions, pending logins and replay entries,
/// and refreshes the active-session gauge. Add it to the application's services.
public struct SessionJanitor: Service {
    private let store: any SessionStorage
    private let metrics: GatehouseMetrics?
    private let interval: Duration
    private let logger: Logger

    /// A janitor sweeping `store` every `interval`.
    public init(store: any SessionStorage, metrics: GatehouseMetrics? = nil, interval: Duration = .seconds(300), logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.interval = interval
        self.logger = logger
    }

    /// One sweep: purge, then update the gauge. Store failures are logged, never fatal.
    public func sweep() async {
        do {
            try await store.purgeAllExpired()
            let count = try await store.count()
            metrics?.setActiveSessions(count)
        } catch {
            logger.error("session sweep failed", metadata: ["error": "\(error)"])
        }
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await sweep()
            // The wait ends early on graceful shutdown, which then ends the loop.
            let interval = self.interval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
