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
    /// The session must come from a login with one of these AuthnContextClassRefs (empty: any).
    /// A browser whose session lacks it is sent through a step-up login (ForceAuthn and
    /// RequestedAuthnContext at the IdP it signed in with) and back to the same URL.
    public var authnContext: [String] = []

    /// A rule for `prefix`.
    public init(prefix: String, anyGroups: [String] = [], attributes: [String: [String]] = [:]) {
        self.prefix = prefix
        self.anyGroups = anyGroups
        self.attributes = attributes
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case prefix, attributes
        case anyGroups = "any_groups"
        case authnContext = "authn_context"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        prefix = try container.decode(String.self, forKey: .prefix)
        anyGroups = try container.decode(forKey: .anyGroups, default: anyGroups)
        attributes = try container.decode(forKey: .attributes, default: attributes)
        authnContext = try container.decode(forKey: .authnContext, default: authnContext)
    }
}
