/// What a signed-in user must hold to reach paths under one prefix.
///
/// Every listed requirement must hold; within one requirement any listed value suffices.
public struct AccessRule: Sendable, Equatable, Decodable, ConfigSection {
    /// Paths under this prefix (on a segment boundary) are governed by this rule.
    public var prefix: String
    /// The user must be in at least one of these groups (empty: no group requirement).
    public var anyGroups: [String] = []
    /// For each attribute name, the user must hold at least one of the listed values.
    public var attributes: [String: [String]] = [:]

    /// A rule for `prefix`.
    public init(prefix: String, anyGroups: [String] = [], attributes: [String: [String]] = [:]) {
        self.prefix = prefix
        self.anyGroups = anyGroups
        self.attributes = attributes
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case prefix, attributes
        case anyGroups = "any_groups"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        prefix = try container.decode(String.self, forKey: .prefix)
        anyGroups = try container.decode(forKey: .anyGroups, default: anyGroups)
        attributes = try container.decode(forKey: .attributes, default: attributes)
    }
}
