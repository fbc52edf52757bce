/// One identity header the upstream receives, and where its value comes from.
public struct HeaderRule: Sendable, Equatable, Decodable, ConfigSection {
    /// The header name, e.g. `X-Forwarded-Email`.
    public var header: String
    /// Take the value from the NameID instead of an attribute.
    public var fromNameID: Bool = false
    /// Attribute names to try in order (Name or FriendlyName); the first one present wins.
    public var attributes: [String] = []
    /// Send every value of the attribute, comma-joined, instead of the first one.
    public var allValues: Bool = false

    /// A header fed by the first present attribute of `attributes`, or by the NameID.
    public init(header: String, fromNameID: Bool = false, attributes: [String] = [], allValues: Bool = false) {
        self.header = header
        self.fromNameID = fromNameID
        self.attributes = attributes
        self.allValues = allValues
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case header, attributes
        case fromNameID = "name_id"
        case allValues = "all_values"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        header = try container.decode(String.self, forKey: .header)
        fromNameID = try container.decode(forKey: .fromNameID, default: fromNameID)
        attributes = try container.decode(forKey: .attributes, default: attributes)
        allValues = try container.decode(forKey: .allValues, default: allValues)
    }
}
