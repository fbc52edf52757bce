import Foundation
import Logging
import SAML

/// What the `gatehouse` subcommands do, kept out of the CLI so it can be tested.
public enum GatehouseLauncher {
    /// A failure that stops a command: exit 2 with these sentences.
    public struct Failure: Error, CustomStringConvertible {
        /// One sentence per problem.
        public var problems: [String]
        public var description: String { problems.joined(separator: "\n") }
        init(_ problems: [String]) { self.problems = problems }
    }

    /// Runs `gatehouse serve` for the file at `configPath` until SIGTERM/SIGINT; SIGHUP
    /// re-reads that file, the IdP metadata folder and `metadata_sources`. URL metadata sources
    /// are fetched once before the configuration is resolved (a source that cannot be fetched
    /// keeps its verified copy on disk) and then kept current by a ``MetadataRefresher``; MDQ
    /// sources with `on_demand` answer through one ``MetadataQueryCache`` for the process.
    public static func serve(configPath: String) async throws {
        let config = try? loadConfig(path: configPath)
        LoggingSystem.bootstrap(JSONLogHandler.factory(for: config?.log ?? LogSettings()))
        let logger = Logger(label: "gatehouse")
        let metrics = GatehouseMetrics()
        let sources = config?.metadataSources.documents ?? []
        // Always there, so a reload may add the first source.
        let tracker = MetadataSourceTracker(sources: sources, metrics: metrics, logger: logger)
        for index in sources.indices { await tracker.refresh(index, onUpdate: nil) }
        let metadataQuery = MetadataQueryCache(sources: config?.metadataSources ?? [], metrics: metrics, logger: logger)
        // The sources' copies were just verified (fetched, or read from disk when the fetch
        // failed); the registry is built from them rather than from their files again.
        let (resolved, warnings) = try resolve(configAt: configPath, verified: await tracker.verifiedCopies())
        try await serve(
            resolved, warnings: warnings, configPath: configPath, logger: logger, metrics: metrics, tracker: tracker,
            metadataQuery: metadataQuery)
    }

    /// Runs the gateway for `config` (the demo's, adjusted in memory) until SIGTERM/SIGINT.
    /// With `developmentIdP`, its pages are mounted (demo and local development only; its
    /// metadata must be in the IdP folder).
    public static func serve(config: GatehouseConfig, developmentIdP: DevelopmentIdP? = nil) async throws {
        let report = ResolvedConfig.resolve(config)
        guard let resolved = report.resolved else { throw Failure(report.errors) }
        LoggingSystem.bootstrap(JSONLogHandler.factory(for: resolved.config.log))
        try await serve(
            resolved, warnings: report.warnings, logger: Logger(label: "gatehouse"), metrics: GatehouseMetrics(), tracker: nil,
            metadataQuery: nil, developmentIdP: developmentIdP)
    }

    static func serve(
        _ resolved: ResolvedConfig, warnings: [String], configPath: String? = nil, logger: Logger, metrics: GatehouseMetrics,
        tracker: MetadataSourceTracker?, metadataQuery: MetadataQueryCache?, developmentIdP: DevelopmentIdP? = nil
    ) async throws {
        for warning in warnings {
            logger.warning("configuration", metadata: ["config.problem": "\(warning)"])
        }
        if developmentIdP != nil {
            logger.warning(
                "THE DEVELOPMENT IDP IS ENABLED: anyone can sign in as anyone. Never use this outside local development.",
                metadata: ["idp": "\(developmentIdP?.entityID ?? "")"])
        }
        let refresher = tracker.map { tracker in
            { @Sendable (gateway: Gateway) in
                MetadataRefresher.swapping(into: gateway, resolved: resolved, tracker: tracker, metadataQuery: metadataQuery)
            }
        }
        let reloader = configPath.map { path in
            { @Sendable (gateway: Gateway) in
                let afterReload = tracker.map { tracker in
                    metadataReload(into: gateway, resolved: resolved, tracker: tracker, metadataQuery: metadataQuery)
                }
                return ConfigReloader(configPath: path, gateway: gateway, running: resolved, logger: logger, afterReload: afterReload) {
                    SAMLLoginService(resolved: $0, metadataQuery: metadataQuery)
                }
            }
        }
        try await GatehouseServer.run(
            config: resolved.config, loginService: SAMLLoginService(resolved: resolved, metadataQuery: metadataQuery), logger: logger,
            developmentIdP: developmentIdP, metrics: metrics, reloader: reloader, metadataRefresher: refresher)
    }

    /// The step after each SIGHUP reload that took effect: the reloaded `metadata_sources`
    /// go to the MDQ cache and the refresher's tracker, and every source now due (a new or
    /// changed one) is fetched and swapped into `gateway` at once.
    public static func metadataReload(
        into gateway: Gateway, resolved: ResolvedConfig, tracker: MetadataSourceTracker, metadataQuery: MetadataQueryCache?
    ) -> ConfigReloader.AfterReload {
        { config in
            await metadataQuery?.configure(config.metadataSources)
            await tracker.reconfigure(config.metadataSources.documents)
            await MetadataRefresher.swapping(into: gateway, resolved: resolved, tracker: tracker, metadataQuery: metadataQuery)
                .refreshDue()
        }
    }

    /// What `gatehouse idp add` tells the admin after copying a file.
    public static let reloadHint = "send SIGHUP to the running gateway (e.g. `kill -HUP <pid>`) to reload; new logins then see the IdP"

    /// Validates `file` as IdP metadata and copies it into the configured folder.
    /// Returns the path written. Refuses an IdP already registered unless `replace`.
    public static func addIdP(file: String, config: GatehouseConfig, replace: Bool = false) throws(Failure) -> String {
        guard let data = FileManager.default.contents(atPath: file) else { throw Failure(["cannot read \(file)"]) }
        let errors = MetadataFileCheck.validator(file)
        guard errors.isEmpty else { throw Failure(errors.map { "\(file): \($0)" }) }
        let incoming: IdentityProviderRegistry
        do {
            incoming = try IdentityProviderRegistry(documents: [(file, Array(data))])
        } catch {
            throw Failure([error.description])
        }
        let directory = config.idpMetadataDirectory
        let existing = (try? IdentityProviderRegistry.load(directory: directory))?.entries ?? []
        for entry in incoming.entries {
            if let clash = existing.first(where: { $0.provider.entityID == entry.provider.entityID }),
                !replace || clash.source != target(for: incoming, in: directory)
            {
                throw Failure(["IdP \(entry.provider.entityID) is already registered by \(clash.source); remove that file first"])
            }
        }
        let path = target(for: incoming, in: directory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw Failure(["cannot write \(path): \(error.localizedDescription)"])
        }
        return path
    }

    /// A file name derived from the (first) entity ID: letters, digits, dots and dashes only.
    static func target(for registry: IdentityProviderRegistry, in directory: String) -> String {
        let entityID = registry.entries.first?.provider.entityID ?? "idp"
        let stripped = entityID.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "")
        let name = String(stripped.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }.prefix(100))
        return (directory as NSString).appendingPathComponent(name + ".xml")
    }
}
