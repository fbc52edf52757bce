/// SCIM 2.0 provisioning: whether `/scim/v2` answers, which bearer tokens it accepts, how a
/// SAML login finds its provisioned user, and what provisioning changes at the door.
///
/// ```yaml
/// scim:
///   enabled: true
///   tokens_sha256:
///     - sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
///       label: okta-production
///   match: { saml: name_id, scim: userName }
///   groups: merge
///   provisioned_users_only: false
/// ```
///
/// A token bound to one IdP is given at that IdP instead (`idps[].scim_token_sha256`); the
/// users it writes are that IdP's alone.
public struct SCIMSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// What SCIM group display names do to a session's groups.
    public enum GroupMode: String, Sendable, Equatable, Decodable, CaseIterable {
        /// SCIM groups are added to the groups the assertion carries.
        case merge
        /// SCIM groups replace the assertion's groups.
        case replace
        /// SCIM groups do not reach access rules or headers.
        case ignore
    }

    /// The SCIM attribute a login is matched on.
    public enum SCIMKey: String, Sendable, Equatable, Decodable, CaseIterable {
        /// `userName` (the default).
        case userName
        /// `externalId`.
        case externalId
        /// The primary email, else the work email.
        case email
    }

    /// How a SAML login is linked to a provisioned user. Values that look like email
    /// addresses are compared ignoring case.
    public struct Match: Sendable, Equatable, Decodable, ConfigSection {
        /// `name_id`, or the Name (or FriendlyName) of a SAML attribute.
        public var saml = "name_id"
        /// The SCIM side.
        public var scim = SCIMKey.userName

        /// NameID against `userName`.
        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable { case saml, scim }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            saml = try c.decode(forKey: .saml, default: saml)
            scim = try c.decode(forKey: .scim, default: scim)
        }
    }

    /// One accepted bearer token, by the hex SHA-256 of its value; the token itself is never
    /// configured. Written as the bare hex string or as `{sha256, label}`.
    public struct Token: Sendable, Equatable, Decodable, ConfigSection {
        /// Lowercase hex SHA-256 of the token (64 digits).
        public var sha256: String
        /// The name audit lines give the writer; the first 8 hex digits when not set.
        public var label: String

        /// A token by hash, labelled `label` or by its first 8 hex digits.
        public init(sha256: String, label: String? = nil) {
            self.sha256 = sha256.lowercased()
            self.label = label ?? String(self.sha256.prefix(8))
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case sha256, label }

        public init(from decoder: any Decoder) throws {
            if let hex = try? decoder.singleValueContainer().decode(String.self) {
                self.init(sha256: hex)
            } else {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                self.init(sha256: try c.decode(String.self, forKey: .sha256), label: try c.decodeIfPresent(String.self, forKey: .label))
            }
            guard Self.isHexDigest(sha256) else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription: "a SCIM token hash is 64 hex digits (run `gatehouse scim token` to make one)"))
            }
        }

        /// True for 64 hex digits.
        static func isHexDigest(_ text: String) -> Bool {
            text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
        }
    }

    /// Whether `/scim/v2` answers at all; off, every SCIM path is 404.
    public var enabled = false
    /// Tokens accepted for every IdP's users.
    public var tokens: [Token] = []
    /// How logins are linked to provisioned users.
    public var match = Match()
    /// What SCIM groups do to a session's groups.
    public var groups = GroupMode.ignore
    /// Refuse login to anyone SCIM has not created, or has deactivated.
    public var provisionedUsersOnly = false
    /// The largest request body accepted, in bytes.
    public var maxBodyBytes = 1 << 20

    /// Provisioning off.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, match, groups
        case tokens = "tokens_sha256"
        case provisionedUsersOnly = "provisioned_users_only"
        case maxBodyBytes = "max_body_bytes"
    }

    static var nestedSections: [CodingKeys: any ConfigSection.Type] { [.match: Match.self, .tokens: Token.self] }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try c.decode(forKey: .enabled, default: enabled)
        tokens = try c.decode(forKey: .tokens, default: tokens)
        match = try c.decode(forKey: .match, default: match)
        groups = try c.decode(forKey: .groups, default: groups)
        provisionedUsersOnly = try c.decode(forKey: .provisionedUsersOnly, default: provisionedUsersOnly)
        maxBodyBytes = try c.decode(forKey: .maxBodyBytes, default: maxBodyBytes)
    }
}
