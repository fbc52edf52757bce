public import Foundation

/// Sessions in process memory: for tests, demos and single-run setups. Lost on restart.
///
/// Each session is kept packed (``CompactSession``) under the 32 bytes of its ID hash, about
/// 1 KB for a login with a dozen groups instead of nearly 3 KB as Swift values.
public actor MemorySessionStore: SessionStore {
    private let timeouts: SessionTimeouts
    private let clock: any WallClock
    private var sessions: [HashKey: CompactSession] = [:]
    private var pendingLogins: [String: PendingLogin] = [:]
    private var assertions: [String: Date] = [:]

    /// An empty store with these timeouts, reading time from `clock`.
    public init(timeouts: SessionTimeouts = .standard, clock: any WallClock = SystemWallClock()) {
        self.timeouts = timeouts
        self.clock = clock
    }

    public func create(identity: SessionIdentity) -> String {
        let id = SessionID.generate()
        let now = clock.now
        sessions[HashKey(id)] = CompactSession(identity: identity, createdAt: now, lastSeenAt: now)
        return id
    }

    public func get(_ id: String) -> Session? {
        let hash = SessionID.hash(id)
        let key = HashKey(hex: hash)
        guard let session = sessions[key] else { return nil }
        guard !session.isExpired(at: clock.now, timeouts: timeouts) else {
            sessions[key] = nil
            return nil
        }
        return session.session(idHash: hash)
    }

    public func touch(_ id: String) {
        sessions[HashKey(id)]?.lastSeenAt = clock.now
    }

    public func delete(_ id: String) {
        sessions[HashKey(id)] = nil
    }

    public func deleteAll(nameID: String) -> Int {
        let doomed = sessions.filter { $0.value.nameID == nameID }.keys
        for key in doomed { sessions[key] = nil }
        return doomed.count
    }

    public func count() -> Int {
        let now = clock.now
        return sessions.values.count { !$0.isExpired(at: now, timeouts: timeouts) }
    }

    public func savePendingLogin(_ login: PendingLogin) {
        pendingLogins[SessionID.hash(login.relayState)] = login
    }

    public func takePendingLogin(relayState: String) -> PendingLogin? {
        guard let login = pendingLogins.removeValue(forKey: SessionID.hash(relayState)) else { return nil }
        return login.expiresAt > clock.now ? login : nil
    }

    public func recordAssertion(id: String, issuer: String, until expiry: Date) -> Bool {
        let key = issuer + "\n" + id
        if let known = assertions[key], known > clock.now { return false }
        assertions[key] = expiry
        return true
    }

    public func purgeExpired() {
        let now = clock.now
        sessions = sessions.filter { !$0.value.isExpired(at: now, timeouts: timeouts) }
        pendingLogins = pendingLogins.filter { $0.value.expiresAt > now }
        assertions = assertions.filter { $0.value > now }
    }
}

/// The SHA-256 of a session ID as four words: a dictionary key without a heap-allocated string.
private struct HashKey: Hashable, Sendable {
    let words: (UInt64, UInt64, UInt64, UInt64)

    init(_ id: String) { self.init(hex: SessionID.hash(id)) }

    /// From the 64 hex digits of ``SessionID/hash(_:)``.
    init(hex: String) {
        var words: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in hex.utf8.prefix(64).enumerated() {
            let digit = byte <= 0x39 ? byte &- 0x30 : (byte | 0x20) &- 0x57
            words[index / 16] = words[index / 16] << 4 | UInt64(digit & 0x0F)
        }
        self.words = (words[0], words[1], words[2], words[3])
    }

    static func == (lhs: HashKey, rhs: HashKey) -> Bool { lhs.words == rhs.words }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
