/// The whole gateway configuration, decoded once from one YAML file plus environment overrides.
///
/// Every field has a safe default except `externalURL` and `upstreams`. See
/// `Config/gatehouse.example.yaml` for the file, and ``ConfigLoader`` for the environment names.
public struct GatehouseConfig: Sendable, Equatable, Decodable {
    /// Where the gateway accepts connections.
    public var listen = ListenSettings()
    /// The URL browsers use to reach the gateway (scheme, host, optional port; no path).
    /// ACS URL, Destination and Recipient checks derive from it, never from the Host header.
    public var externalURL: String
    /// SP entity ID and key pair.
    public var serviceProvider = ServiceProviderSettings()
    /// Folder holding one metadata file per IdP (or aggregates).
    public var idpMetadataDirectory: String = "idps"
    /// The admin's chooser name and email domains for some IdPs, over their metadata's.
    public var identityProviders: [IdentityProviderSettings] = []
    /// The applications behind the gateway.
    public var upstreams: [UpstreamSettings]
    /// Session store and timeouts.
    public var session = SessionSettings()
    /// Session cookie settings.
    public var cookie = CookieSettings()
    /// Identity headers sent to the upstream.
    public var identityHeaders = HeaderSettings()
    /// Per-prefix access rules; the longest matching prefix applies.
    public var accessRules: [AccessRule] = []
    /// Path prefixes that need no session (health checks, static assets).
    public var publicPaths: [String] = []
    /// Tolerated clock difference with the IdPs.
    public var clockSkew: ConfigDuration = .init(seconds: 90)
    /// Whether IdP-initiated responses are accepted.
    public var unsolicitedResponses: UnsolicitedPolicy = .reject
    /// CIDRs of proxies whose `X-Forwarded-*` headers are believed.
    public var trustedProxies: [String] = []
    /// How ambiguous request paths are read (`;`, `%2F`, double escapes, letter case).
    public var paths = PathSettings()
    /// Path prefix of the SP endpoints (`login`, `acs`, `metadata`, `logout`, `auth`, `whoami`).
    public var routePrefix: String = "/saml"
    /// Log format and level.
    public var log = LogSettings()

    /// A configuration with defaults for everything but the external URL and the upstreams.
    public init(externalURL: String, upstreams: [UpstreamSettings]) {
        self.externalURL = externalURL
        self.upstreams = upstreams
    }

    /// The SP entity ID, defaulting to the metadata URL.
    public var entityID: String { serviceProvider.entityID ?? endpointURL("metadata") }

    /// The absolute URL of an SP endpoint, e.g. `endpointURL("acs")`.
    public func endpointURL(_ endpoint: String) -> String {
        var base = externalURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + routePath(endpoint)
    }

    /// The local path of an SP endpoint, e.g. `/saml/acs`.
    public func routePath(_ endpoint: String) -> String {
        var prefix = routePrefix
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return prefix + "/" + endpoint
    }

    private enum CodingKeys: String, CodingKey {
        case listen, upstreams, session, cookie
        case externalURL = "external_url"
        case serviceProvider = "service_provider"
        case idpMetadataDirectory = "idp_metadata_dir"
        case identityProviders = "idps"
        case identityHeaders = "identity_headers"
        case accessRules = "access_rules"
        case publicPaths = "public_paths"
        case clockSkew = "clock_skew"
        case unsolicitedResponses = "unsolicited_responses"
        case trustedProxies = "trusted_proxies"
        case routePrefix = "route_prefix"
        case log, paths
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        externalURL = try c.decode(String.self, forKey: .externalURL)
        upstreams = try c.decode([UpstreamSettings].self, forKey: .upstreams)
        listen = try c.decodeIfPresent(ListenSettings.self, forKey: .listen) ?? listen
        serviceProvider = try c.decodeIfPresent(ServiceProviderSettings.self, forKey: .serviceProvider) ?? serviceProvider
        idpMetadataDirectory = try c.decodeIfPresent(String.self, forKey: .idpMetadataDirectory) ?? idpMetadataDirectory
        identityProviders = try c.decodeIfPresent([IdentityProviderSettings].self, forKey: .identityProviders) ?? []
        session = try c.decodeIfPresent(SessionSettings.self, forKey: .session) ?? session
        cookie = try c.decodeIfPresent(CookieSettings.self, forKey: .cookie) ?? cookie
        identityHeaders = try c.decodeIfPresent(HeaderSettings.self, forKey: .identityHeaders) ?? identityHeaders
        accessRules = try c.decodeIfPresent([AccessRule].self, forKey: .accessRules) ?? []
        publicPaths = try c.decodeIfPresent([String].self, forKey: .publicPaths) ?? []
        clockSkew = try c.decodeIfPresent(ConfigDuration.self, forKey: .clockSkew) ?? clockSkew
        unsolicitedResponses =
            try c.decodeIfPresent(UnsolicitedPolicy.self, forKey: .unsolicitedResponses) ?? unsolicitedResponses
        trustedProxies = try c.decodeIfPresent([String].self, forKey: .trustedProxies) ?? []
        routePrefix = try c.decodeIfPresent(String.self, forKey: .routePrefix) ?? routePrefix
        log = try c.decodeIfPresent(LogSettings.self, forKey: .log) ?? log
        paths = try c.decodeIfPresent(PathSettings.self, forKey: .paths) ?? paths
    }
}
