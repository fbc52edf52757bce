/// Decides who may reach which path. Pure: no I/O, no clock.
public struct AccessPolicy: Sendable {
    /// Path prefixes that need no session.
    public var publicPaths: [String]
    /// Per-prefix rules; the longest matching prefix applies.
    public var rules: [AccessRule]
    /// Attribute names that hold group memberships.
    public var groupAttributes: [String]

    /// A policy from its parts.
    public init(publicPaths: [String], rules: [AccessRule], groupAttributes: [String] = AttributeNames.groups) {
        self.publicPaths = publicPaths
        self.rules = rules
        self.groupAttributes = groupAttributes
    }

    /// The policy a configuration describes.
    public init(config: GatehouseConfig) {
        self.init(
            publicPaths: config.publicPaths,
            rules: config.accessRules,
            groupAttributes: config.identityHeaders.groupAttributes
        )
    }

    /// The decision for `request`.
    public func decide(_ request: AccessRequest) -> AccessDecision {
        let path = PathMatcher.canonical(request.target)
        if PathMatcher.longestMatch(path, in: publicPaths) != nil { return .allowPublic }
        guard let identity = request.identity else {
            guard request.isBrowserNavigation else { return .unauthenticated }
            return .redirectToLogin(returnPath: ReturnPath.validate(request.target) ?? "/")
        }
        guard let prefix = PathMatcher.longestMatch(path, in: rules.map(\.prefix)),
            let rule = rules.last(where: { $0.prefix == prefix })
        else { return .allow }
        if let failure = unmetRequirement(rule, identity) {
            return .forbidden(rulePrefix: rule.prefix, requirement: failure)
        }
        return .allow
    }

    /// A sentence naming the first requirement of `rule` that `identity` does not meet.
    public func unmetRequirement(_ rule: AccessRule, _ identity: SessionIdentity) -> String? {
        if !rule.anyGroups.isEmpty {
            let groups = Set(identity.values(forFirstOf: groupAttributes))
            if groups.isDisjoint(with: rule.anyGroups) {
                return "membership in one of the groups: \(rule.anyGroups.joined(separator: ", "))"
            }
        }
        for (name, accepted) in rule.attributes.sorted(by: { $0.key < $1.key }) {
            let held = Set(identity.values(forFirstOf: [name]))
            if held.isDisjoint(with: accepted) {
                return "attribute \(name) with one of the values: \(accepted.joined(separator: ", "))"
            }
        }
        return nil
    }
}
