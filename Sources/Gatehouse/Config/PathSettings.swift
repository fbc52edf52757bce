/// How request paths that upstreams read differently are handled (README, "Paths").
///
/// The defaults refuse every form that common upstreams disagree on, so an access rule holds
/// whether nginx, Apache, Tomcat/Spring, IIS, Express or Rails serves the path.
public struct PathSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// A raw `;` in the path.
    public enum Semicolons: String, Sendable, Equatable, Decodable {
        /// 400: Tomcat and Spring cut `;params` from segments (`/admin;x` is `/admin`, `/..;/` is `/../`).
        case reject
        /// An ordinary character (nginx, Apache, Express, Rails); forwarded as `%3B`.
        case literal
    }

    /// `%2F` in the path.
    public enum EncodedSlashes: String, Sendable, Equatable, Decodable {
        /// 400: upstreams read it as a separator, a character, or refuse it.
        case reject
        /// Read as `/`, and forwarded as `/`.
        case decode
    }

    /// An escape that decodes to another escape (`%2561` → `%61`).
    public enum EncodedPercent: String, Sendable, Equatable, Decodable {
        /// 400: an upstream that decodes twice (IIS, some frameworks) would read another path.
        case reject
        /// Allowed; forwarded as `%25`, which a once-decoding upstream reads as `%`.
        case allow
    }

    /// Letter case when matching access rules.
    public enum RuleCase: String, Sendable, Equatable, Decodable {
        /// Rules also hold for `/ADMIN` and `/admin.` (IIS and other case-insensitive upstreams).
        case insensitive
        /// Rules match the path exactly.
        case sensitive
    }

    /// See ``Semicolons``.
    public var semicolons: Semicolons = .reject
    /// See ``EncodedSlashes``.
    public var encodedSlashes: EncodedSlashes = .reject
    /// See ``EncodedPercent``.
    public var encodedPercent: EncodedPercent = .reject
    /// See ``RuleCase``. Public paths always match exactly, so a looser reading never opens a path.
    public var ruleCase: RuleCase = .insensitive

    /// The safe defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case semicolons
        case encodedSlashes = "encoded_slashes"
        case encodedPercent = "encoded_percent"
        case ruleCase = "rule_case"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        semicolons = try container.decode(forKey: .semicolons, default: semicolons)
        encodedSlashes = try container.decode(forKey: .encodedSlashes, default: encodedSlashes)
        encodedPercent = try container.decode(forKey: .encodedPercent, default: encodedPercent)
        ruleCase = try container.decode(forKey: .ruleCase, default: ruleCase)
    }
}
