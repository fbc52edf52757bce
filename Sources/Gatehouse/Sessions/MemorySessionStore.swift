public import Foundation

/// Sessions in process memory: for tests, demos and single-run setups. Lost on restart.
public actor MemorySessionStore: SessionStore {
    private let timeouts: SessionTimeouts
    private let clock: any WallClock
    private var sessions: [String: Session] = [:]
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
        let hash = SessionID.hash(id)
        sessions[hash] = Session(idHash: hash, identity: identity, createdAt: now, lastSeenAt: now)
        return id
    }

    public func get(_ id: String) -> Session? {
        let hash = SessionID.hash(id)
        guard let session = sessions[hash] else { return nil }
        guard !session.isExpired(at: clock.now, timeouts: timeouts) else {
            sessions[hash] = nil
            return nil
        }
        return session
    }

    public func touch(_ id: String) {
        let hash = SessionID.hash(id)
        sessions[hash]?.lastSeenAt = clock.now
    }

    public func delete(_ id: String) {
        sessions[SessionID.hash(id)] = nil
    }

    public func deleteAll(nameID: String) -> Int {
        let doomed = sessions.filter { $0.value.identity.nameID == nameID }.keys
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
