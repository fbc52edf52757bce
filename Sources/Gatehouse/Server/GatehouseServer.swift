import Hummingbird
public import Logging
public import ServiceLifecycle

/// What `gatehouse serve` runs: open the store, serve until SIGTERM/SIGINT.
public enum GatehouseServer {
    /// A server that refused to start, with every reason.
    public struct StartupError: Error, CustomStringConvertible {
        /// One sentence per problem.
        public var problems: [String]

        public var description: String { problems.joined(separator: "\n") }
    }

    /// Opens the session store and serves until a shutdown signal; with `reloader`, SIGHUP
    /// reloads the configuration; with `metadataRefresher`, URL metadata sources are kept current.
    /// `metrics` are the gateway's (the refresher counts into them too). `config` has been checked and resolved already
    /// (``ResolvedConfig/resolve(configAt:environment:now:identityProviders:verified:)``), so bad
    /// configuration never starts a half-working server.
    public static func run(
        config: GatehouseConfig,
        loginService: any LoginService,
        logger: Logger,
        developmentIdP: DevelopmentIdP? = nil,
        metrics: GatehouseMetrics = GatehouseMetrics(),
        reloader: (@Sendable (Gateway) -> any Service)? = nil,
        metadataRefresher: (@Sendable (Gateway) -> any Service)? = nil
    ) async throws {
        let store: any SessionStorage
        do {
            store = try SessionStoreFactory.make(config.session)
        } catch {
            throw StartupError(problems: [error.message])
        }
        let gateway = Gateway(config: config, store: store, loginService: loginService, metrics: metrics)
        var services: [any Service] = reloader.map { [$0(gateway)] } ?? []
        if let metadataRefresher { services.append(metadataRefresher(gateway)) }
        try await serve(gateway: gateway, logger: logger, developmentIdP: developmentIdP, services: services) { port in
            logger.info("listening", metadata: ["address": "\(config.listen.address)", "port": "\(port)"])
        }
    }

    /// Serves `gateway` until a shutdown signal or cancellation, with a ``SessionJanitor``
    /// sweeping its store every `janitorInterval` and `services` alongside, then shuts the
    /// gateway down.
    public static func serve(
        gateway: Gateway,
        logger: Logger,
        developmentIdP: DevelopmentIdP? = nil,
        services: [any Service] = [],
        janitorInterval: Duration = .seconds(300),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let janitor = SessionJanitor(store: gateway.store, metrics: gateway.metrics, interval: janitorInterval, logger: logger)
        let app = GatehouseApplication.make(
            gateway: gateway, logger: logger, developmentIdP: developmentIdP, services: [janitor] + services,
            onServerRunning: onServerRunning)
        do {
            try await app.runService()
        } catch {
            await gateway.shutdown()
            throw error
        }
        await gateway.shutdown()
    }
}
