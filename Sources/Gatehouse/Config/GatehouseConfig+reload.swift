extension GatehouseConfig {
    /// This configuration with the reloadable fields taken from `new`, and the names of the
    /// fields that differ in `new` but only take effect after a restart (listening address,
    /// session store, cookies, SP identity and keys, route prefix, logging).
    public func reloaded(from new: GatehouseConfig) -> (config: GatehouseConfig, needsRestart: [String]) {
        var merged = self
        merged.idpMetadataDirectory = new.idpMetadataDirectory
        merged.identityProviders = new.identityProviders
        merged.upstreams = new.upstreams
        merged.identityHeaders = new.identityHeaders
        merged.accessRules = new.accessRules
        merged.publicPaths = new.publicPaths
        merged.clockSkew = new.clockSkew
        merged.unsolicitedResponses = new.unsolicitedResponses
        merged.trustedProxies = new.trustedProxies
        merged.paths = new.paths
        merged.logout = new.logout
        var needsRestart: [String] = []
        if listen != new.listen { needsRestart.append("listen") }
        if externalURL != new.externalURL { needsRestart.append("external_url") }
        if serviceProvider != new.serviceProvider { needsRestart.append("service_provider") }
        if session != new.session { needsRestart.append("session") }
        if cookie != new.cookie { needsRestart.append("cookie") }
        if routePrefix != new.routePrefix { needsRestart.append("route_prefix") }
        if log != new.log { needsRestart.append("log") }
        // The refresh schedule is set up at start.
        if metadataSources != new.metadataSources { needsRestart.append("metadata_sources") }
        return (merged, needsRestart)
    }
}
