/// Where sessions live and how long they last.
public struct SessionSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// The kind of session store.
    public enum StoreKind: String, Sendable, Equatable, Decodable {
        /// In process memory: sessions vanish on restart. For tests and demos.
        case memory
        /// An embedded SQLite file: sessions survive restarts. The default.
        case sqlite
    }

    /// Which store to use.
    public var store: StoreKind = .sqlite
    /// The SQLite file, when `store` is `sqlite`.
    public var path: String = "gatehouse-sessions.sqlite"
    /// A session unused for this long ends.
    public var idleTimeout: ConfigDuration = .hours(1)
    /// A session ends this long after login, however busy.
    public var absoluteTimeout: ConfigDuration = .hours(12)
    /// How long a browser has to come back from the IdP after we sent it there.
    public var pendingLoginTimeout: ConfigDuration = .minutes(10)

    /// Session settings; a nil argument keeps the declared (safe) default.
    public init(store: StoreKind? = nil, path: String? = nil) {
        if let store { self.store = store }
        if let path { self.path = path }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case store, path
        case idleTimeout = "idle_timeout"
        case absoluteTimeout = "absolute_timeout"
        case pendingLoginTimeout = "pending_login_timeout"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        store = try container.decode(forKey: .store, default: store)
        path = try container.decode(forKey: .path, default: path)
        idleTimeout = try container.decode(forKey: .idleTimeout, default: idleTimeout)
        absoluteTimeout = try container.decode(forKey: .absoluteTimeout, default: absoluteTimeout)
        pendingLoginTimeout = try container.decode(forKey: .pendingLoginTimeout, default: pendingLoginTimeout)
    }
}
