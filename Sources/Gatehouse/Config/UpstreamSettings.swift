/// One application behind the gateway, chosen by the longest matching path prefix.
public struct UpstreamSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// Requests whose path starts with this prefix (on a segment boundary) go to this upstream.
    public var prefix: String = "/"
    /// Base URL of the upstream, e.g. `http://127.0.0.1:3000`.
    public var url: String
    /// How long to wait for a TCP connection to the upstream.
    public var connectTimeout: ConfigDuration = .init(seconds: 5)
    /// How long the upstream may stay silent while we wait for its response.
    public var readTimeout: ConfigDuration = .init(seconds: 60)
    /// Remove `prefix` from the path before forwarding.
    public var stripPrefix: Bool = false
    /// For an `https` URL: a PEM file of the certificates to trust instead of the system's.
    public var caFile: String?

    /// An upstream at `url` serving `prefix` (nil: the declared default, the whole site).
    public init(url: String, prefix: String? = nil) {
        self.url = url
        if let prefix { self.prefix = prefix }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case prefix, url
        case connectTimeout = "connect_timeout"
        case readTimeout = "read_timeout"
        case stripPrefix = "strip_prefix"
        case caFile = "ca_file"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        prefix = try container.decode(forKey: .prefix, default: prefix)
        connectTimeout = try container.decode(forKey: .connectTimeout, default: connectTimeout)
        readTimeout = try container.decode(forKey: .readTimeout, default: readTimeout)
        stripPrefix = try container.decode(forKey: .stripPrefix, default: stripPrefix)
        caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
    }
}
