/// Where the gateway accepts connections.
public struct ListenSettings: Sendable, Equatable, Decodable {
    /// The address to bind, e.g. `0.0.0.0` or `127.0.0.1`.
    public var address: String = "127.0.0.1"
    /// The TCP port to bind; 0 picks a free port (tests).
    public var port: Int = 8080

    /// Listen on `address`:`port`.
    public init(address: String = "127.0.0.1", port: Int = 8080) {
        self.address = address
        self.port = port
    }

    private enum CodingKeys: String, CodingKey { case address, port }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        address = try container.decodeIfPresent(String.self, forKey: .address) ?? address
        port = try container.decodeIfPresent(Int.self, forKey: .port) ?? port
    }
}
