public import Foundation

/// Any session store with the sessions this process read or wrote in the last `lifetime`
/// seconds kept decoded in memory: the one session cache of the gateway.
///
/// An app's burst of requests (a page and its assets) then costs one database read and one
/// JSON decode instead of one each, and ``cachedSession(_:)`` answers the event-loop fast path
/// without waiting. Deleting, revoking or purging through the wrapper forgets the ended
/// sessions at once, so in this process the very next request is refused. A session ended by
/// another process on the same backend (`gatehouse sessions revoke` on the SQLite file) is
/// refused once its entry is older than `lifetime`: entries are never trusted longer.
///
/// Touches are coalesced: ``shouldTouch(_:)`` answers true once per
/// ``SessionTimeouts/touchInterval`` for a cached session, however many of its requests race.
///
/// Wrap a durable store (``SQLiteSessionStore``). ``MemorySessionStore`` is memory already and
/// answers ``cachedSession(_:)`` itself; wrapping it only doubles the bookkeeping.
public final class CachedSessionStore<Base: SessionStore>: SessionStore {
    /// The store every miss, write and listing goes to.
    public let base: Base
    /// How long an entry is trusted without asking `base` again; 0 turns caching off.
    public var lifetime: TimeInterval { cache.lifetime }
    public let timeouts: SessionTimeouts
    public let clock: any WallClock
    private let cache: SessionCache

    /// `base` with a cache whose entries live `lifetime` seconds (and at most `capacity` of them).
    public init(wrapping base: Base, lifetime: TimeInterval = 2, capacity: Int = 10_000) {
        self.base = base
        self.timeouts = base.timeouts
        self.clock = base.clock
        self.cache = SessionCache(lifetime: lifetime, capacity: capacity)
    }

    /// The session when this process read or wrote it within ``lifetime`` and it has not
    /// timed out; nil sends the caller to ``get(_:)``, which asks `base`.
    public func cachedSession(_ id: String) -> Session? {
        guard cache.isEnabled else { return nil }
        let now = clock.now
        guard let cached = cache.session(SessionID.hash(id), now: now), !cached.isExpired(at: now, timeouts: timeouts) else {
            return nil
        }
        return cached
    }

    public func create(identity: SessionIdentity) async throws -> String {
        let now = clock.now
        let id = try await base.create(identity: identity)
        remember(created: id, identity: identity, at: now)
        return id
    }

    /// Caches a session `base` just created, as created and last seen at `now`, read before
    /// the write: never later than the base store's own time, so the copy never outlives it.
    func remember(created id: String, identity: SessionIdentity, at now: Date) {
        cache.store(Session(idHash: SessionID.hash(id), identity: identity, createdAt: now, lastSeenAt: now), now: now)
    }

    public func get(_ id: String) async throws -> Session? {
        let hash = SessionID.hash(id)
        let now = clock.now
        // A cached session that has timed out falls through to the base store, which decides
        // (another process may have touched it) and deletes it if it is really over.
        if let cached = cache.session(hash, now: now), !cached.isExpired(at: now, timeouts: timeouts) {
            return cached
        }
        let generation = cache.generation
        // A miss removes nothing: a stale entry is never answered (it has timed out), and a
        // removal would stop concurrent reads from caching (a flood of unknown cookies).
        guard let session = try await base.get(id) else { return nil }
        cache.store(session, now: now, ifUnchangedSince: generation)
        return session
    }

    /// True when a use of `session` is due (``Session/isTouchDue(at:timeouts:)``) and no other
    /// request claimed it since the session was read: the use is recorded in the cached copy
    /// at once, so the requests of a burst write it once. Costs one comparison when not due.
    public func shouldTouch(_ session: Session) -> Bool {
        let now = clock.now
        guard session.isTouchDue(at: now, timeouts: timeouts) else { return false }
        return cache.claimTouch(session.idHash, at: now, unlessWithin: timeouts.touchInterval)
    }

    public func touch(_ id: String) async throws {
        let hash = SessionID.hash(id)
        let now = clock.now
        cache.touched(hash, at: now)
        do {
            try await base.touch(id)
        } catch {
            // The cached copy must not claim a use the base store never recorded.
            cache.remove(hash)
            throw error
        }
    }

    public func delete(_ id: String) async throws {
        let hash = SessionID.hash(id)
        // Before and after the write: a read that raced the delete cannot leave the session cached.
        cache.remove(hash)
        defer { cache.remove(hash) }
        try await base.delete(id)
    }

    public func revoke(_ selector: SessionSelector) async throws -> Int {
        // Before and after the write, as in delete: a read that raced the revocation cannot
        // leave one of its sessions cached.
        cache.remove(selector)
        defer { cache.remove(selector) }
        return try await base.revoke(selector)
    }

    public func updateProvisioning(_ selector: SessionSelector, userID: String, groups: [String]) async throws -> Int {
        // As in revoke: the changed sessions are read afresh by their next request.
        cache.remove(selector)
        defer { cache.remove(selector) }
        return try await base.updateProvisioning(selector, userID: userID, groups: groups)
    }

    public func list(nameID: String?, issuer: String?) async throws -> [SessionSummary] {
        try await base.list(nameID: nameID, issuer: issuer)
    }

    public func count() async throws -> Int {
        try await base.count()
    }

    public func purgeExpired() async throws {
        cache.removeAll()
        defer { cache.removeAll() }
        try await base.purgeExpired()
    }
}

extension CachedSessionStore: PendingLoginStore where Base: PendingLoginStore {
    public func savePendingLogin(_ login: PendingLogin) async throws {
        try await base.savePendingLogin(login)
    }

    public func takePendingLogin(relayState: String) async throws -> PendingLogin? {
        try await base.takePendingLogin(relayState: relayState)
    }

    public func purgeExpiredPendingLogins() async throws {
        try await base.purgeExpiredPendingLogins()
    }
}

extension CachedSessionStore: PendingLogoutStore where Base: PendingLogoutStore {
    public func savePendingLogout(_ logout: PendingLogout) async throws {
        try await base.savePendingLogout(logout)
    }

    public func takePendingLogout(relayState: String) async throws -> PendingLogout? {
        try await base.takePendingLogout(relayState: relayState)
    }

    public func purgeExpiredPendingLogouts() async throws {
        try await base.purgeExpiredPendingLogouts()
    }
}

extension CachedSessionStore: AssertionReplayStore where Base: AssertionReplayStore {
    public func recordAssertion(id: String, issuer: String, until expiry: Date) async throws -> Bool {
        try await base.recordAssertion(id: id, issuer: issuer, until: expiry)
    }

    public func purgeExpiredAssertions() async throws {
        try await base.purgeExpiredAssertions()
    }
}

extension CachedSessionStore: SessionStorage where Base: SessionStorage {
    /// The base store's combined write (one transaction in SQLite); the new session is cached.
    public func createSession(identity: SessionIdentity, assertionID: String, until expiry: Date) async throws -> String? {
        let now = clock.now
        guard let id = try await base.createSession(identity: identity, assertionID: assertionID, until: expiry) else { return nil }
        remember(created: id, identity: identity, at: now)
        return id
    }

    public func purgeAllExpired() async throws {
        cache.removeAll()
        defer { cache.removeAll() }
        try await base.purgeAllExpired()
    }
}

extension CachedSessionStore: ProvisioningStore where Base: ProvisioningStore {
    public func apply(_ writes: [ProvisioningWrite]) async throws(ProvisioningStoreError) {
        try await base.apply(writes)
    }

    public func record(_ kind: ProvisionedKind, id: String, tenant: String) async throws(ProvisioningStoreError)
        -> ProvisionedRecord?
    {
        try await base.record(kind, id: id, tenant: tenant)
    }

    public func records(_ kind: ProvisionedKind, tenant: String) async throws(ProvisioningStoreError) -> [ProvisionedRecord] {
        try await base.records(kind, tenant: tenant)
    }

    public func records(_ kind: ProvisionedKind, tenant: String, where key: ProvisioningKey) async throws(ProvisioningStoreError)
        -> [ProvisionedRecord]
    {
        try await base.records(kind, tenant: tenant, where: key)
    }

    public func groups(withMember userID: String, tenant: String) async throws(ProvisioningStoreError) -> [ProvisionedRecord] {
        try await base.groups(withMember: userID, tenant: tenant)
    }

    public func counts(tenant: String?) async throws(ProvisioningStoreError) -> ProvisioningCounts {
        try await base.counts(tenant: tenant)
    }
}
