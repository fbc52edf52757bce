public import Foundation
public import Logging
public import ServiceLifecycle
import UnixSignals

/// Re-reads the configuration file, the IdP metadata folder and `metadata_sources` on SIGHUP
/// and hands the result to the ``Gateway`` for new requests.
///
/// Connections, requests in flight and sessions are untouched. A configuration or metadata
/// folder with any error is refused with a log line and the previous one stays in force.
/// Fields that only take effect after a restart (listening address, session store, cookies,
/// SP identity, route prefix, logging) are named in a warning and otherwise ignored.
public struct ConfigReloader: Service {
    /// Builds the login service (IdP registry included) for a resolved configuration.
    public typealias LoginServiceFactory = @Sendable (ResolvedConfig) throws -> any LoginService
    /// Runs after a reload took effect, with the configuration now in force: hands its
    /// `metadata_sources` to the refresher and the MDQ cache and fetches new sources.
    public typealias AfterReload = @Sendable (GatehouseConfig) async -> Void

    let configPath: String
    let gateway: Gateway
    let running: ResolvedConfig
    let environment: [String: String]
    let logger: Logger
    let makeLoginService: LoginServiceFactory
    let afterReload: AfterReload?

    /// A reloader of `configPath` into `gateway`, which was started with `running`.
    public init(
        configPath: String,
        gateway: Gateway,
        running: ResolvedConfig,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger,
        afterReload: AfterReload? = nil,
        makeLoginService: @escaping LoginServiceFactory
    ) {
        self.afterReload = afterReload
        self.configPath = configPath
        self.gateway = gateway
        self.running = running
        self.environment = environment
        self.logger = logger
        self.makeLoginService = makeLoginService
    }

    /// Reloads once; true when the new configuration is in force. A file is refused with
    /// exactly the errors `gatehouse check-config` prints for it.
    @discardableResult
    public func reload() -> Bool {
        let report = ResolvedConfig.resolve(configAt: configPath, environment: environment)
        guard let new = report.resolved else {
            report.errors.forEach { refuse($0) }
            return false
        }
        let (merged, needsRestart) = running.reloaded(from: new)
        let loginService: any LoginService
        do {
            loginService = try makeLoginService(merged)
        } catch {
            refuse("\(error)")
            return false
        }
        gateway.reload(config: merged.config, loginService: loginService)
        for field in needsRestart {
            logger.warning(
                "configuration change ignored until restart", metadata: ["config.file": "\(configPath)", "config.field": "\(field)"])
        }
        logger.info("configuration reloaded", metadata: ["config.file": "\(configPath)"])
        return true
    }

    /// Reloads once and, when the new configuration took effect, runs the after-reload step
    /// (metadata sources); true when it took effect.
    @discardableResult
    public func reloadAndApply() async -> Bool {
        guard reload() else { return false }
        await afterReload?(gateway.config)
        return true
    }

    /// Reloads on every SIGHUP until graceful shutdown.
    public func run() async throws {
        try await reload(on: UnixSignalsSequence(trapping: .sighup))
    }

    /// Reloads once per element of `triggers` until it ends or graceful shutdown.
    /// ``run()`` passes SIGHUP; tests pass their own sequence.
    public func reload<Triggers: AsyncSequence & Sendable>(on triggers: Triggers) async throws {
        try await cancelWhenGracefulShutdown {
            for try await _ in triggers { await self.reloadAndApply() }
        }
    }

    private func refuse(_ problem: String) {
        logger.error(
            "configuration reload refused; the previous configuration stays in force",
            metadata: ["config.file": "\(configPath)", "config.problem": "\(problem)"])
    }
}
