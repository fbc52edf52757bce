public import Foundation
import Synchronization

/// Sessions in process memory: for tests, demos and single-run setups. Lost on restart.
///
/// Each session is kept packed (``CompactSession``) under the 32 bytes of its ID hash, about
/// 1 KB for a login with a dozen groups instead of nearly 3 KB as Swift values.
///
/// It is its own cache: ``cachedSession(_:)`` answers every lookup at once, so it is used
/// without a ``CachedSessionStore``.
public final class MemorySessionStore: SessionStorage {
    public let timeouts: SessionTimeouts
    public let clock: any WallClock
    private let state = Mutex(State())
    private let provisioning = Mutex(ProvisioningTable())

    private struct State {
        var sessions: [HashKey: CompactSession] = [:]
        var pendingLogins: [String: PendingLogin] = [:]
        var pendingLogouts: [String: PendingLogout] = [:]
        var assertions: [String: Date] = [:]
    }

    /// An empty store with these timeouts, reading time from `clock`.
    public init(timeouts: SessionTimeouts = .standard, clock: any WallClock = SystemWallClock()) {
        self.timeouts = timeouts
        self.clock = clock
    }

    public func create(identity: SessionIdentity) async -> String {
        let id = SessionID.generate()
        let now = clock.now
        let session = CompactSession(identity: identity, createdAt: now, lastSeenAt: now)
        state.withLock { $0.sessions[HashKey(id)] = session }
        return id
    }

    public func get(_ id: String) async -> Session? {
        cachedSession(id)
    }

    /// Every session is in memory, so this is ``get(_:)`` without waiting.
    public func cachedSession(_ id: String) -> Session? {
        let hash = SessionID.hash(id)
        let key = HashKey(hex: hash)
        let now = clock.now
        let found = state.withLock { state -> CompactSession? in
            guard let session = state.sessions[key] else { return nil }
            guard !session.isExpired(at: now, timeouts: timeouts) else {
                state.sessions[key] = nil
                return nil
            }
            return session
        }
        return found?.session(idHash: hash)
    }

    public func touch(_ id: String) async {
        let key = HashKey(id)
        let now = clock.now
        state.withLock { $0.sessions[key]?.lastSeenAt = now }
    }

    public func delete(_ id: String) async {
        let key = HashKey(id)
        state.withLock { $0.sessions[key] = nil }
    }

    public func revoke(_ selector: SessionSelector) async -> Int {
        state.withLock { state in
            switch selector {
            case .all:
                defer { state.sessions.removeAll() }
                return state.sessions.count
            case .idHash(let hash):
                guard SessionID.isWellFormedHash(hash) else { return 0 }
                return state.sessions.removeValue(forKey: HashKey(hex: hash)) == nil ? 0 : 1
            case .user, .sessionIndex, .provisionedUser:
                let doomed = state.sessions.filter { key, session in Self.selects(selector, key: key, session: session) }.keys
                for key in doomed { state.sessions[key] = nil }
                return doomed.count
            }
        }
    }

    public func updateProvisioning(_ selector: SessionSelector, userID: String, groups: [String]) async -> Int {
        state.withLock { state in
            var changed = 0
            for (key, session) in state.sessions where Self.selects(selector, key: key, session: session) {
                var identity = session.identity
                guard var link = identity.provisioning else { continue }
                link.userID = userID
                link.groups = groups
                identity.provisioning = link
                state.sessions[key] = CompactSession(identity: identity, createdAt: session.createdAt, lastSeenAt: session.lastSeenAt)
                changed += 1
            }
            return changed
        }
    }

    /// Whether `selector` names the session; the provisioning link is unpacked only for a
    /// selector that asks for it.
    private static func selects(_ selector: SessionSelector, key: HashKey, session: CompactSession) -> Bool {
        let keys = session.keys
        let link: ProvisioningLink? =
            if case .provisionedUser = selector { session.identity.provisioning } else { nil }
        return selector.matches(
            idHash: key.hex, nameID: keys.nameID, issuer: keys.issuer, sessionIndex: keys.sessionIndex, link: link)
    }

    public func list(nameID: String?, issuer: String?) async -> [SessionSummary] {
        let now = clock.now
        let found = state.withLock { state in
            state.sessions.compactMap { key, session -> SessionSummary? in
                guard !session.isExpired(at: now, timeouts: timeouts) else { return nil }
                let keys = session.keys
                guard nameID.map({ $0 == keys.nameID }) ?? true, issuer.map({ $0 == keys.issuer }) ?? true else { return nil }
                return SessionSummary(
                    idHash: key.hex, issuer: keys.issuer, nameID: keys.nameID, sessionIndex: keys.sessionIndex,
                    authnContextClassRef: keys.authnContextClassRef, createdAt: session.createdAt, lastSeenAt: session.lastSeenAt)
            }
        }
        return found.sorted { ($0.createdAt, $0.idHash) < ($1.createdAt, $1.idHash) }
    }

    public func count() async -> Int {
        let now = clock.now
        return state.withLock { state in state.sessions.values.count { !$0.isExpired(at: now, timeouts: timeouts) } }
    }

    public func savePendingLogin(_ login: PendingLogin) async {
        let key = SessionID.hash(login.relayState)
        state.withLock { $0.pendingLogins[key] = login }
    }

    public func takePendingLogin(relayState: String) async -> PendingLogin? {
        let key = SessionID.hash(relayState)
        guard let login = state.withLock({ $0.pendingLogins.removeValue(forKey: key) }) else { return nil }
        return login.expiresAt > clock.now ? login : nil
    }

    public func savePendingLogout(_ logout: PendingLogout) async {
        let key = SessionID.hash(logout.relayState)
        state.withLock { $0.pendingLogouts[key] = logout }
    }

    public func takePendingLogout(relayState: String) async -> PendingLogout? {
        let key = SessionID.hash(relayState)
        guard let logout = state.withLock({ $0.pendingLogouts.removeValue(forKey: key) }) else { return nil }
        return logout.expiresAt > clock.now ? logout : nil
    }

    public func recordAssertion(id: String, issuer: String, until expiry: Date) async -> Bool {
        let key = issuer + "\n" + id
        let now = clock.now
        return state.withLock { state in
            if let known = state.assertions[key], known > now { return false }
            state.assertions[key] = expiry
            return true
        }
    }

    public func purgeExpired() async {
        let now = clock.now
        state.withLock { state in state.sessions = state.sessions.filter { !$0.value.isExpired(at: now, timeouts: timeouts) } }
    }

    public func purgeExpiredPendingLogins() async {
        let now = clock.now
        state.withLock { state in state.pendingLogins = state.pendingLogins.filter { $0.value.expiresAt > now } }
    }

    public func purgeExpiredPendingLogouts() async {
        let now = clock.now
        state.withLock { state in state.pendingLogouts = state.pendingLogouts.filter { $0.value.expiresAt > now } }
    }

    public func purgeExpiredAssertions() async {
        let now = clock.now
        state.withLock { state in state.assertions = state.assertions.filter { $0.value > now } }
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

    /// The 64 hex digits again, for listing.
    var hex: String {
        [words.0, words.1, words.2, words.3].map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }

    static func == (lhs: HashKey, rhs: HashKey) -> Bool { lhs.words == rhs.words }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}

extension MemorySessionStore: ProvisioningStore {
    public func apply(_ writes: [ProvisioningWrite]) async throws(ProvisioningStoreError) {
        try provisioning.withLock { table throws(ProvisioningStoreError) in try table.apply(writes) }
    }

    public func record(_ kind: ProvisionedKind, id: String, tenant: String) async -> ProvisionedRecord? {
        provisioning.withLock { $0.record(kind, id: id, tenant: tenant) }
    }

    public func records(_ kind: ProvisionedKind, tenant: String) async -> [ProvisionedRecord] {
        provisioning.withLock { $0.records(kind, tenant: tenant) }
    }

    public func records(_ kind: ProvisionedKind, tenant: String, where key: ProvisioningKey) async -> [ProvisionedRecord] {
        provisioning.withLock { $0.records(kind, tenant: tenant, where: key) }
    }

    public func groups(withMember userID: String, tenant: String) async -> [ProvisionedRecord] {
        provisioning.withLock { $0.groups(withMember: userID, tenant: tenant) }
    }

    public func counts(tenant: String?) async -> ProvisioningCounts {
        provisioning.withLock { $0.counts(tenant: tenant) }
    }
}
