/// Where the gateway accepts connections, and how long it waits for a client.
public struct ListenSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// The address to bind, e.g. `0.0.0.0` or `127.0.0.1`.
    public var address: String = "127.0.0.1"
    /// The TCP port to bind; 0 picks a free port (tests).
    public var port: Int = 8080
    /// A request's head must arrive whole within this time of its first byte (of the
    /// connection's opening, for the first request); else the connection closes.
    public var headerReadTimeout: ConfigDuration = .init(seconds: 10)
    /// A kept-alive connection with no request for this long closes, and so does one whose
    /// client sends nothing of a request body for this long.
    public var idleTimeout: ConfigDuration = .init(seconds: 60)
    /// Connections beyond this many are answered 503 and closed at once.
    public var maxConnections: Int = 10_000
    /// A second port for `/metrics`, `/healthz` and `/readyz` alone. When set, those paths
    /// are served only there, and on ``port`` they are the protected app's like any other.
    public var opsPort: Int?
    /// The address the ops port binds (keep it off the public network).
    public var opsAddress: String = "127.0.0.1"

    /// Listen on `address`:`port`; a nil argument keeps the declared default.
    public init(address: String? = nil, port: Int? = nil) {
        if let address { self.address = address }
        if let port { self.port = port }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case address, port
        case headerReadTimeout = "header_read_timeout"
        case idleTimeout = "idle_timeout"
        case maxConnections = "max_connections"
        case opsPort = "ops_port"
        case opsAddress = "ops_address"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        address = try container.decode(forKey: .address, default: address)
        port = try container.decode(forKey: .port, default: port)
        headerReadTimeout = try container.decode(forKey: .headerReadTimeout, default: headerReadTimeout)
        idleTimeout = try container.decode(forKey: .idleTimeout, default: idleTimeout)
        maxConnections = try container.decode(forKey: .maxConnections, default: maxConnections)
        opsPort = try container.decodeIfPresent(Int.self, forKey: .opsPort)
        opsAddress = try container.decode(forKey: .opsAddress, default: opsAddress)
    }
}
