/// Which identity headers the upstream receives.
public struct HeaderSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// oauth2-proxy's headers: user from the NameID; email, groups and preferred user name
    /// from the usual attribute names (see ``AttributeNames``).
    public static let defaultRules: [HeaderRule] = [
        HeaderRule(header: "X-Forwarded-User", fromNameID: true),
        HeaderRule(header: "X-Forwarded-Email", attributes: AttributeNames.email),
        HeaderRule(header: "X-Forwarded-Groups", attributes: AttributeNames.groups, allValues: true),
        HeaderRule(header: "X-Forwarded-Preferred-Username", attributes: AttributeNames.preferredUsername),
    ]

    /// The headers to send. Setting this in the config replaces the defaults.
    public var rules: [HeaderRule] = defaultRules
    /// Extra headers fed by one attribute each, added to `rules`: header name to attribute name.
    public var additional: [String: String] = [:]
    /// Longest value sent in one header; longer multi-valued lists are cut at a whole value.
    public var maxValueBytes: Int = 4096
    /// Attribute names that hold the user's groups, for access rules.
    public var groupAttributes: [String] = AttributeNames.groups

    /// Header settings; a nil argument keeps the declared (oauth2-proxy-compatible) default.
    public init(rules: [HeaderRule]? = nil, additional: [String: String]? = nil, maxValueBytes: Int? = nil) {
        if let rules { self.rules = rules }
        if let additional { self.additional = additional }
        if let maxValueBytes { self.maxValueBytes = maxValueBytes }
    }

    /// `rules` followed by one rule per `additional` entry, sorted by header name.
    public var allRules: [HeaderRule] {
        rules + additional.sorted { $0.key < $1.key }.map { HeaderRule(header: $0.key, attributes: [$0.value]) }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case rules = "headers"
        case additional
        case maxValueBytes = "max_value_bytes"
        case groupAttributes = "group_attributes"
    }

    static var nestedSections: [CodingKeys: any ConfigSection.Type] {
        [.rules: HeaderRule.self]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rules = try container.decode(forKey: .rules, default: rules)
        additional = try container.decode(forKey: .additional, default: additional)
        maxValueBytes = try container.decode(forKey: .maxValueBytes, default: maxValueBytes)
        groupAttributes = try container.decode(forKey: .groupAttributes, default: groupAttributes)
    }
}
