import SAML

/// A configuration ready to run: the decoded file plus everything read from disk for it, once.
///
/// `serve`, `check-config`, SIGHUP reloads and `gatehouse metadata sp` all get theirs from
/// ``resolve(configAt:environment:now:)``, so they read keys and metadata the same way and
/// agree on what is an error.
public struct ResolvedConfig: Sendable {
    /// The decoded configuration.
    public let config: GatehouseConfig
    /// The SP key pair, if configured.
    public let serviceProviderKeys: ServiceProviderKeys?
    /// The trusted IdPs, from the metadata folder.
    public let registry: IdentityProviderRegistry
    /// The SP metadata XML, built once (see ``SAML/ServiceProviderMetadata/document(for:keys:singleLogoutServices:)``).
    public let serviceProviderMetadata: String

    /// Puts together what was read for `config`, building its SP metadata.
    public init(
        config: GatehouseConfig, serviceProviderKeys: ServiceProviderKeys?, registry: IdentityProviderRegistry
    ) throws(ConfigError) {
        self.config = config
        self.serviceProviderKeys = serviceProviderKeys
        self.registry = registry
        self.serviceProviderMetadata = try ServiceProviderMetadata.document(for: config, keys: serviceProviderKeys)
    }

    private init(config: GatehouseConfig, keeping running: ResolvedConfig, registry: IdentityProviderRegistry) {
        self.config = config
        self.serviceProviderKeys = running.serviceProviderKeys
        self.registry = registry
        self.serviceProviderMetadata = running.serviceProviderMetadata
    }

    /// `config` (the running one, after any reload) with a refreshed IdP registry; the SP keys and
    /// metadata stay, as on a reload.
    public func refreshed(config: GatehouseConfig, registry: IdentityProviderRegistry) -> ResolvedConfig {
        ResolvedConfig(config: config, keeping: self, registry: registry)
    }

    /// This (running) configuration with what a reload may change taken from `new`: the
    /// reloadable fields (see ``GatehouseConfig/reloaded(from:)``) and the IdP registry. The SP
    /// keys and metadata stay, since the SP identity needs a restart; `needsRestart` names the
    /// fields that differ in `new` but are kept, `service_provider` also when only the key
    /// files' contents changed.
    public func reloaded(from new: ResolvedConfig) -> (resolved: ResolvedConfig, needsRestart: [String]) {
        var (merged, needsRestart) = config.reloaded(from: new.config)
        if !needsRestart.contains("service_provider"),
            serviceProviderKeys?.certificateDER != new.serviceProviderKeys?.certificateDER
        {
            needsRestart.append("service_provider")
        }
        return (ResolvedConfig(config: merged, keeping: self, registry: new.registry), needsRestart)
    }
}
