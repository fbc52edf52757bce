/// Decides who may reach which path. Pure: no I/O, no clock.
public struct AccessPolicy: Sendable {
    /// Path prefixes that need no session.
    public var publicPaths: [String]
    /// Per-prefix rules; the longest matching prefix applies.
    public var rules: [AccessRule]
    /// Attribute names that hold group memberships.
    public var groupAttributes: [String]
    /// How request paths are read.
    public var paths: PathSettings
    /// What a session's SCIM groups (``ProvisioningLink/groups``) do to its groups;
    /// ``SCIMSettings/GroupMode/ignore`` when provisioning is off.
    public var provisionedGroups: SCIMSettings.GroupMode = .ignore

    /// A policy from its parts.
    public init(
        publicPaths: [String], rules: [AccessRule], groupAttributes: [String] = AttributeNames.groups,
        paths: PathSettings = PathSettings()
    ) {
        self.publicPaths = publicPaths
        self.rules = rules
        self.groupAttributes = groupAttributes
        self.paths = paths
    }

    /// The policy a configuration describes.
    public init(config: GatehouseConfig) {
        self.init(
            publicPaths: config.publicPaths,
            rules: config.accessRules,
            groupAttributes: config.identityHeaders.groupAttributes,
            paths: config.paths
        )
        provisionedGroups = config.scim.enabled ? config.scim.groups : .ignore
    }

    /// The groups access rules and the groups header see for `identity`: the asserted ones
    /// (from ``groupAttributes``), with its SCIM groups added (`merge`) or instead (`replace`).
    public func groups(of identity: SessionIdentity) -> [String] {
        switch provisionedGroups {
        case .ignore:
            return identity.values(forFirstOf: groupAttributes)
        case .merge:
            let asserted = identity.values(forFirstOf: groupAttributes)
            guard let provisioned = identity.provisioning?.groups, !provisioned.isEmpty else { return asserted }
            return asserted + provisioned.filter { !asserted.contains($0) }
        case .replace:
            return identity.provisioning?.groups ?? []
        }
    }

    /// `identity` as the identity headers must show it: under `merge` and `replace` its group
    /// attributes give way to one holding ``groups(of:)``, under the first name of
    /// ``groupAttributes`` (so the groups header, `X-Forwarded-Groups` by default, carries it).
    public func withEffectiveGroups(_ identity: SessionIdentity) -> SessionIdentity {
        guard provisionedGroups != .ignore, let name = groupAttributes.first else { return identity }
        let groups = groups(of: identity)
        let names = Set(groupAttributes.map { $0.lowercased() })
        var result = identity
        result.attributes = identity.attributes.filter { !names.contains($0.key.lowercased()) }
        if !groups.isEmpty { result.attributes[name] = groups }
        return result
    }

    /// The decision for `request`, reading its target with ``RequestTarget/parse(_:settings:)``.
    public func decide(_ request: AccessRequest) -> AccessDecision {
        switch RequestTarget.parse(request.target, settings: paths) {
        case .success(let target): decide(request, path: target.path)
        case .failure(let refusal): .badRequest(refusal)
        }
    }

    /// The decision for `request` whose target reads as the canonical `path`.
    ///
    /// Public paths match `path` exactly. A rule must hold under every reading an upstream
    /// may give the path: the longest rule matching `path` exactly, and (with
    /// ``PathSettings/RuleCase/insensitive``) the longest matching its folded form
    /// (letter case, trailing dots and spaces of segments, as IIS reads them), so that a
    /// looser rule for `/docs/open` never lets `/docs/OPEN` skip the rule for `/docs`.
    public func decide(_ request: AccessRequest, path: String) -> AccessDecision {
        isPublic(path) ? .allowPublic : decideProtected(request, path: path)
    }

    /// True when canonical `path` lies under a public path (matched exactly, never folded).
    public func isPublic(_ path: String) -> Bool {
        publicPaths.contains { PathMatcher.matches(path, prefix: $0) }
    }

    /// The decision for a path that is not public: login or 401 without an identity, else
    /// the rules (see ``decide(_:path:)``).
    func decideProtected(_ request: AccessRequest, path: String) -> AccessDecision {
        guard let identity = request.identity else {
            guard request.isBrowserNavigation else { return .unauthenticated }
            return .redirectToLogin(returnPath: ReturnPath.validate(request.target) ?? "/")
        }
        var applicable: [AccessRule] = []
        if let rule = longestRule(for: path, fold: false) { applicable.append(rule) }
        if paths.ruleCase == .insensitive, let rule = longestRule(for: Self.folded(path), fold: true) {
            applicable.append(rule)
        }
        for rule in applicable {
            if let failure = unmetRequirement(rule, identity) {
                return .forbidden(rulePrefix: rule.prefix, requirement: failure)
            }
        }
        for rule in applicable where !Self.accepts(rule.authnContext, identity.authnContextClassRef) {
            guard request.isBrowserNavigation else {
                return .forbidden(
                    rulePrefix: rule.prefix, requirement: "a sign-in with one of: \(rule.authnContext.joined(separator: ", "))")
            }
            return .stepUp(returnPath: ReturnPath.validate(request.target) ?? "/")
        }
        return .allow
    }

    /// The AuthnContextClassRefs a login must reach for `path` (a canonical path): those of
    /// the first applicable rule that lists some, as ``decide(_:path:)`` reads the rules.
    /// Empty when no rule asks for one.
    public func requiredAuthnContext(for path: String) -> [String] {
        var applicable: [AccessRule] = []
        if let rule = longestRule(for: path, fold: false) { applicable.append(rule) }
        if paths.ruleCase == .insensitive, let rule = longestRule(for: Self.folded(path), fold: true) {
            applicable.append(rule)
        }
        return applicable.first { !$0.authnContext.isEmpty }?.authnContext ?? []
    }

    /// Whether a login at `classRef` meets `required` (empty: anything does).
    private static func accepts(_ required: [String], _ classRef: String?) -> Bool {
        required.isEmpty || classRef.map(required.contains) == true
    }

    private func longestRule(for path: String, fold: Bool) -> AccessRule? {
        var best: AccessRule?
        var bestLength = -1
        for rule in rules {
            let prefix = fold ? Self.folded(rule.prefix) : rule.prefix
            // The last of equal prefixes wins, as it always has.
            if PathMatcher.matches(path, prefix: prefix), prefix.utf8.count >= bestLength {
                best = rule
                bestLength = prefix.utf8.count
            }
        }
        return best
    }

    /// `path` as a case-insensitive, trailing-dot-and-space-ignoring file system reads it:
    /// ASCII lower case, each segment without trailing `.` and ` `, empty segments dropped.
    static func folded(_ path: String) -> String {
        if isFolded(path) { return path }
        var segments: [String] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            var bytes = Array(segment.utf8)
            while let last = bytes.last, last == UInt8(ascii: ".") || last == UInt8(ascii: " ") { bytes.removeLast() }
            guard !bytes.isEmpty else { continue }
            for index in bytes.indices where bytes[index] >= UInt8(ascii: "A") && bytes[index] <= UInt8(ascii: "Z") {
                bytes[index] += 32
            }
            segments.append(String(decoding: bytes, as: UTF8.self))
        }
        return "/" + segments.joined(separator: "/")
    }

    private static func isFolded(_ path: String) -> Bool {
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { return false }
            if byte == UInt8(ascii: "/"), previous == UInt8(ascii: "/") || previous == UInt8(ascii: ".") || previous == UInt8(ascii: " ") {
                return false
            }
            previous = byte
        }
        return previous != UInt8(ascii: ".") && previous != UInt8(ascii: " ") && (previous != UInt8(ascii: "/") || path.utf8.count == 1)
    }

    /// A sentence naming the first requirement of `rule` that `identity` does not meet.
    public func unmetRequirement(_ rule: AccessRule, _ identity: SessionIdentity) -> String? {
        if !rule.anyGroups.isEmpty {
            let groups = Set(groups(of: identity))
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
