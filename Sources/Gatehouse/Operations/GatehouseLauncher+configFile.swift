public import Foundation

extension GatehouseLauncher {
    /// What `gatehouse check-config` reports for the file at `path` (see
    /// ``ResolvedConfig/resolve(configAt:environment:now:identityProviders:verified:)``).
    public static func check(
        configAt path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        now: Date = Date()
    ) -> (errors: [String], warnings: [String]) {
        let report = ResolvedConfig.resolve(configAt: path, environment: environment, now: now)
        return (report.errors, report.warnings)
    }

    /// The configuration at `path`, checked and resolved as `check-config` does; throws its
    /// errors. `warnings` are the ones `check-config` prints. `verified`: metadata sources'
    /// copies already verified in this process.
    public static func resolve(
        configAt path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        identityProviders: Bool = true,
        verified: [VerifiedMetadataCopy] = []
    ) throws(Failure) -> (resolved: ResolvedConfig, warnings: [String]) {
        let report = ResolvedConfig.resolve(
            configAt: path, environment: environment, identityProviders: identityProviders, verified: verified)
        guard let resolved = report.resolved else { throw Failure(report.errors) }
        return (resolved, report.warnings)
    }

    /// Loads the configuration, with environment overrides, for commands that need only its
    /// fields (`idp add`, `sessions`). Unknown fields are errors too, as everywhere.
    public static func loadConfig(path: String) throws(Failure) -> GatehouseConfig {
        let (config, errors) = ResolvedConfig.read(path: path, environment: ProcessInfo.processInfo.environment)
        guard let config, errors.isEmpty else { throw Failure(errors) }
        return config
    }

    /// The SP metadata XML for the file at `path`: exactly what the running gateway serves at
    /// `<route_prefix>/metadata` for it. No IdP needs to be registered yet.
    public static func serviceProviderMetadata(configAt path: String) throws(Failure) -> String {
        try resolve(configAt: path, identityProviders: false).resolved.serviceProviderMetadata
    }
}
