/// Which entities an MDQ source fetches the first time a login or an inbound SAML message
/// names them, and the limits that keep an unauthenticated request from turning the gateway
/// into a load generator for the MDQ service.
///
/// Off unless configured. An entity is fetched only when its entity ID matches one of
/// ``allow``, or when ``allowAny`` is set explicitly; the URL is always the source's base URL
/// plus `/entities/` and the encoded identifier, never anything the request chose.
public struct MetadataOnDemandSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// How an entity is named in the query URL (MDQ §2.4).
    public enum Identifier: String, Sendable, Equatable, Decodable {
        /// `{base}/entities/{percent-encoded entity ID}`.
        case entityID = "entity_id"
        /// `{base}/entities/%7Bsha1%7D{hex SHA-1 of the entity ID}`.
        case sha1
    }

    /// Entity ID patterns that may be fetched: the whole entity ID must match; `*` stands
    /// for any run of characters without `/`, `**` for any run at all.
    public var allow: [String] = []
    /// Fetch any entity the MDQ service will sign for. Must be set explicitly.
    public var allowAny = false
    /// How entities are named in the query URL.
    public var identifier: Identifier = .entityID
    /// The most entities (fetched or refused) held in memory; the least recently used goes first.
    public var maxEntities = 1_000
    /// How long a refusal (not found, bad signature, unreachable) is remembered before the
    /// same entity is asked for again.
    public var negativeCache: ConfigDuration = .minutes(1)
    /// The most queries sent to the service per minute, whatever entities are asked for.
    public var maxFetchesPerMinute = 60
    /// How long one query may take; the login or message waiting for it waits at most this.
    public var timeout: ConfigDuration = .init(seconds: 5)

    /// On-demand fetching of the entities that match `allow`.
    public init(allow: [String] = [], allowAny: Bool = false) {
        self.allow = allow
        self.allowAny = allowAny
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case allow, identifier, timeout
        case allowAny = "allow_any"
        case maxEntities = "max_entities"
        case negativeCache = "negative_cache"
        case maxFetchesPerMinute = "max_fetches_per_minute"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        allow = try c.decode(forKey: .allow, default: allow)
        allowAny = try c.decode(forKey: .allowAny, default: allowAny)
        identifier = try c.decode(forKey: .identifier, default: identifier)
        maxEntities = try c.decode(forKey: .maxEntities, default: maxEntities)
        negativeCache = try c.decode(forKey: .negativeCache, default: negativeCache)
        maxFetchesPerMinute = try c.decode(forKey: .maxFetchesPerMinute, default: maxFetchesPerMinute)
        timeout = try c.decode(forKey: .timeout, default: timeout)
    }

    /// Whether `entityID` may be fetched: a plausible entity ID (SAML Core §8.3.6: a URI of at
    /// most 1024 characters; no spaces or control characters) that ``allowAny`` or a pattern
    /// of ``allow`` admits.
    public func admits(_ entityID: String) -> Bool {
        guard Self.isPlausible(entityID) else { return false }
        return allowAny || allow.contains { Self.matches(entityID, pattern: $0) }
    }

    static func isPlausible(_ entityID: String) -> Bool {
        guard !entityID.isEmpty, entityID.utf8.count <= 1024, entityID != ".", entityID != ".." else { return false }
        return !entityID.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }
    }

    /// Whole-string glob match: `*` is any run without `/`, `**` any run at all. Linear in
    /// the text for each pattern token, so no pattern and entity ID make it slow.
    static func matches(_ text: String, pattern: String) -> Bool {
        enum Token { case byte(UInt8), segment, anything }
        var tokens: [Token] = []
        var bytes = Array(pattern.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte != UInt8(ascii: "*") {
                tokens.append(.byte(byte))
            } else if bytes.first == UInt8(ascii: "*") {
                bytes = bytes.dropFirst()
                tokens.append(.anything)
            } else {
                tokens.append(.segment)
            }
        }
        // matched[j]: the text read so far matches the first j tokens (a star may match nothing).
        var matched = [Bool](repeating: false, count: tokens.count + 1)
        matched[0] = true
        for (j, token) in tokens.enumerated() where matched[j] {
            if case .byte = token { break }
            matched[j + 1] = true
        }
        for byte in text.utf8 {
            var next = [Bool](repeating: false, count: tokens.count + 1)
            for (j, token) in tokens.enumerated() {
                switch token {
                case .byte(let expected): next[j + 1] = matched[j] && byte == expected
                case .segment: next[j + 1] = next[j] || matched[j + 1] && byte != UInt8(ascii: "/")
                case .anything: next[j + 1] = matched[j + 1] || next[j]
                }
            }
            matched = next
        }
        return matched[tokens.count]
    }
}
