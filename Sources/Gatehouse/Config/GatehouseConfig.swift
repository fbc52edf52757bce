/// The whole gateway configuration, decoded once from one YAML file plus environment overrides.
///
/// Every field has a safe default except `externalURL` and `upstreams`. See
/// `Config/gatehouse.example.yaml` for the file, and ``ConfigLoader`` for the environment names.
public struct GatehouseConfig: Sendable, Equatable, Decodable, ConfigSection {
    /// Where the gateway accepts connections.
    public var listen = ListenSettings()
    /// The URL browsers use to reach the gateway (scheme, host, optional port; no path).
    /// ACS URL, Destination and Recipient checks derive from it, never from the Host header.
    public var externalURL: String
    /// SP entity ID and key pair.
    public var serviceProvider = ServiceProviderSettings()
    /// Folder holding one metadata file per IdP (or aggregates).
    public var idpMetadataDirectory: String = "idps"
    /// Signed metadata fetched from URLs and refreshed on a schedule, beside the folder's files.
    public var metadataSources: [MetadataSourceSettings] = []
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
    /// Where the browser goes after signing out.
    public var logout = LogoutSettings()
    /// SCIM 2.0 provisioning (off by default).
    public var scim = SCIMSettings()

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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, upstreams, session, cookie
        case externalURL = "external_url"
        case serviceProvider = "service_provider"
        case idpMetadataDirectory = "idp_metadata_dir"
        case identityProviders = "idps"
        case metadataSources = "metadata_sources"
        case identityHeaders = "identity_headers"
        case accessRules = "access_rules"
        case publicPaths = "public_paths"
        case clockSkew = "clock_skew"
        case unsolicitedResponses = "unsolicited_responses"
        case trustedProxies = "trusted_proxies"
        case routePrefix = "route_prefix"
        case log, paths, logout, scim
    }

    static var nestedSections: [CodingKeys: any ConfigSection.Type] {
        [
            .listen: ListenSettings.self, .serviceProvider: ServiceProviderSettings.self,
            .identityProviders: IdentityProviderSettings.self, .metadataSources: MetadataSourceSettings.self,
            .upstreams: UpstreamSettings.self, .session: SessionSettings.self,
            .cookie: CookieSettings.self, .identityHeaders: HeaderSettings.self, .accessRules: AccessRule.self,
            .log: LogSettings.self, .paths: PathSettings.self, .logout: LogoutSettings.self,
            .scim: SCIMSettings.self,
        ]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        externalURL = try c.decode(String.self, forKey: .externalURL)
        upstreams = try c.decode([UpstreamSettings].self, forKey: .upstreams)
        listen = try c.decode(forKey: .listen, default: listen)
        serviceProvider = try c.decode(forKey: .serviceProvider, default: serviceProvider)
        idpMetadataDirectory = try c.decode(forKey: .idpMetadataDirectory, default: idpMetadataDirectory)
        identityProviders = try c.decode(forKey: .identityProviders, default: identityProviders)
        metadataSources = try c.decode(forKey: .metadataSources, default: metadataSources)
        session = try c.decode(forKey: .session, default: session)
        cookie = try c.decode(forKey: .cookie, default: cookie)
        identityHeaders = try c.decode(forKey: .identityHeaders, default: identityHeaders)
        accessRules = try c.decode(forKey: .accessRules, default: accessRules)
        publicPaths = try c.decode(forKey: .publicPaths, default: publicPaths)
        clockSkew = try c.decode(forKey: .clockSkew, default: clockSkew)
        unsolicitedResponses = try c.decode(forKey: .unsolicitedResponses, default: unsolicitedResponses)
        trustedProxies = try c.decode(forKey: .trustedProxies, default: trustedProxies)
        routePrefix = try c.decode(forKey: .routePrefix, default: routePrefix)
        log = try c.decode(forKey: .log, default: log)
        paths = try c.decode(forKey: .paths, default: paths)
        logout = try c.decode(forKey: .logout, default: logout)
        scim = try c.decode(forKey: .scim, default: scim)
    }
}
