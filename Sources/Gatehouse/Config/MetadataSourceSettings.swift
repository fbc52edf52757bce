/// One IdP metadata document fetched from a URL and refreshed on a schedule.
///
/// The document must carry an enveloped signature on its root by the key in `certificate`;
/// a verified copy is kept at `cacheFile` and used whenever the URL cannot give a better one.
public struct MetadataSourceSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// Where the metadata is published (`https://` in production).
    public var url: String
    /// PEM certificate whose key must have signed the document.
    public var certificate: String
    /// Where the last verified copy is written and read at start.
    public var cacheFile: String
    /// The shortest wait between two fetches, whatever the document's `cacheDuration` says.
    public var minRefresh: ConfigDuration = .minutes(5)
    /// The longest wait between two fetches (also used when the document names no `cacheDuration`).
    public var maxRefresh: ConfigDuration = .hours(12)
    /// How long one fetch may take.
    public var timeout: ConfigDuration = .init(seconds: 30)
    /// With entity IDs here, `url` is the base URL of a Metadata Query Protocol (MDQ) service:
    /// each entity is fetched alone from `{url}/entities/{percent-encoded entity ID}`, verified
    /// the same way, and kept beside `cacheFile` as `{cacheFile}.{SHA-1 of the entity ID}`.
    public var entities: [String] = []
    /// With this set, `url` is the base URL of an MDQ service, and an entity that no document
    /// describes is fetched from it the first time a login or an inbound message names it.
    public var onDemand: MetadataOnDemandSettings?
    /// For one entity of an MDQ source: the entity ID the answer must describe, alone.
    var expectedEntityID: String?

    /// A source of `url` signed by `certificate`, cached at `cacheFile`; a nil argument keeps the
    /// declared default.
    public init(
        url: String, certificate: String, cacheFile: String, minRefresh: ConfigDuration? = nil, maxRefresh: ConfigDuration? = nil,
        timeout: ConfigDuration? = nil
    ) {
        self.url = url
        self.certificate = certificate
        self.cacheFile = cacheFile
        if let minRefresh { self.minRefresh = minRefresh }
        if let maxRefresh { self.maxRefresh = maxRefresh }
        if let timeout { self.timeout = timeout }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, certificate, timeout, entities
        case cacheFile = "cache_file"
        case minRefresh = "min_refresh"
        case maxRefresh = "max_refresh"
        case onDemand = "on_demand"
    }

    static var nestedSections: [CodingKeys: any ConfigSection.Type] { [.onDemand: MetadataOnDemandSettings.self] }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        certificate = try c.decode(String.self, forKey: .certificate)
        cacheFile = try c.decode(String.self, forKey: .cacheFile)
        minRefresh = try c.decode(forKey: .minRefresh, default: minRefresh)
        maxRefresh = try c.decode(forKey: .maxRefresh, default: maxRefresh)
        timeout = try c.decode(forKey: .timeout, default: timeout)
        entities = try c.decode(forKey: .entities, default: entities)
        onDemand = try c.decodeIfPresent(MetadataOnDemandSettings.self, forKey: .onDemand)
    }
}
