/// The parts of a ``Gateway`` that a reload may replace, swapped as one value.
///
/// A handler reads one snapshot and uses it for the whole request, so a reload never mixes
/// old access rules with new upstreams inside a single request.
struct GatewayRuntime: Sendable {
    let config: GatehouseConfig
    let loginService: any LoginService
    let proxy: ReverseProxy
    let policy: AccessPolicy
    let forwarded: ForwardedHeaders
    /// Normalized identity header names, deleted from every proxied request.
    let reservedHeaderNames: Set<String>

    init(config: GatehouseConfig, loginService: any LoginService, proxy: ReverseProxy) {
        self.config = config
        self.loginService = loginService
        self.proxy = proxy
        self.policy = AccessPolicy(config: config)
        self.reservedHeaderNames = IdentityHeaders.reservedNames(settings: config.identityHeaders)
        self.forwarded = ForwardedHeaders(trustedProxies: config.trustedProxies.compactMap(IPAddressRange.init))
    }
}
