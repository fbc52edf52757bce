import Foundation
import Gatehouse
import Testing

/// The cache wrapper in front of the SQLite store, and the memory store's own fast path:
/// fast, and never in the way of a logout, a deprovisioning or a timeout made through them.
@Suite struct SessionCacheTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)
    static let timeouts = SessionTimeouts(idle: 600, absolute: 3600)
    let identity = SessionIdentity(
        nameID: "alice@example.com", issuer: "https://idp.example.com", attributes: ["groups": ["admins", "staff"]])

    func stores(cacheLifetime: TimeInterval = 2) throws -> (
        cached: CachedSessionStore<SQLiteSessionStore>, other: SQLiteSessionStore, clock: ManualWallClock
    ) {
        let path = try TestPaths.scratchDirectory() + "/sessions.sqlite"
        let clock = ManualWallClock(Self.start)
        let cached = CachedSessionStore(
            wrapping: try SQLiteSessionStore(path: path, timeouts: Self.timeouts, clock: clock), lifetime: cacheLifetime)
        // Another process on the same file, as far as the first store can tell.
        let other = try SQLiteSessionStore(path: path, timeouts: Self.timeouts, clock: clock)
        return (cached, other, clock)
    }

    /// The event-loop proxy reads sessions through `cachedSession` without asking the
    /// database: it must never hand out a session that timed out, or one that was deleted,
    /// for either store.
    @Test func cachedSessionHonoursTimeoutsAndDeletion() async throws {
        let (sqlite, _, clock) = try stores(cacheLifetime: 3600)
        let memory = MemorySessionStore(timeouts: Self.timeouts, clock: clock)
        for store in [sqlite, memory] as [any SessionStore] {
            let idle = try await store.create(identity: identity)
            let deleted = try await store.create(identity: identity)
            #expect(store.cachedSession(idle)?.identity == identity)
            try await store.delete(deleted)
            #expect(store.cachedSession(deleted) == nil)
            clock.advance(by: Self.timeouts.idle + 1)
            #expect(store.cachedSession(idle) == nil)
        }
    }

    @Test func deleteThroughTheSameStoreEndsTheCachedSessionAtOnce() async throws {
        let (store, _, _) = try stores()
        let id = try await store.create(identity: identity)
        #expect(try await store.get(id)?.identity == identity)
        try await store.delete(id)
        #expect(try await store.get(id) == nil)
    }

    @Test func revokingAUserEndsEveryCachedSessionOfTheUserAtOnce() async throws {
        let (store, _, _) = try stores()
        let first = try await store.create(identity: identity)
        let second = try await store.create(identity: identity)
        let bob = try await store.create(identity: SessionIdentity(nameID: "bob", issuer: identity.issuer))
        for id in [first, second, bob] { _ = try await store.get(id) }
        #expect(try await store.revoke(.user(nameID: identity.nameID, issuer: identity.issuer)) == 2)
        #expect(try await store.get(first) == nil)
        #expect(try await store.get(second) == nil)
        #expect(try await store.get(bob)?.identity.nameID == "bob")
    }

    @Test func cachedSessionStillTimesOut() async throws {
        let (store, other, clock) = try stores(cacheLifetime: 3600)
        let id = try await store.create(identity: identity)
        _ = try await store.get(id)
        clock.advance(by: Self.timeouts.idle + 1)
        #expect(try await store.get(id) == nil)
        // And the timed-out session is gone from the file too.
        #expect(try await other.get(id) == nil)
    }

    @Test func touchIsSeenByTheCachedSession() async throws {
        let (store, _, clock) = try stores(cacheLifetime: 3600)
        let id = try await store.create(identity: identity)
        _ = try await store.get(id)
        clock.advance(by: 500)
        try await store.touch(id)
        clock.advance(by: 500)
        // 1,000 s after creation but 500 s after the touch: alive (idle timeout 600 s).
        #expect(try await store.get(id)?.lastSeenAt == Self.start.addingTimeInterval(500))
    }

    @Test func anotherProcessesDeleteIsSeenOnceTheEntryIsOlderThanItsLifetime() async throws {
        let (store, other, clock) = try stores(cacheLifetime: 2)
        let id = try await store.create(identity: identity)
        _ = try await store.get(id)
        try await other.delete(id)
        clock.advance(by: 2)
        #expect(try await store.get(id) == nil)
    }

    @Test func lifetimeZeroAsksTheDatabaseEveryTime() async throws {
        let (store, other, _) = try stores(cacheLifetime: 0)
        let id = try await store.create(identity: identity)
        _ = try await store.get(id)
        try await other.delete(id)
        #expect(try await store.get(id) == nil)
    }

    @Test func memoryStoreKeepsEveryFieldThroughItsPackedForm() async throws {
        let store = MemorySessionStore(timeouts: Self.timeouts, clock: ManualWallClock(Self.start))
        let full = SessionIdentity(
            nameID: "ünïcødé <user> 🙂", nameIDFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            issuer: "https://idp.example.com", sessionIndex: "_s1",
            authnContextClassRef: "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
            attributes: [
                "groups": (0..<200).map { "CN=group-\($0),OU=Groups,DC=example,DC=com" }, "empty": [], "blank": [""],
                String(repeating: "n", count: 300): [String(repeating: "v", count: 20_000)],
            ])
        let bare = SessionIdentity(nameID: "x", issuer: "i")
        for identity in [full, bare] {
            let id = await store.create(identity: identity)
            #expect(await store.get(id)?.identity == identity)
        }
    }

    @Test func deleteAndRevokeThroughTheWrapperEndTheFastPathAnswerAtOnce() async throws {
        let (store, _, _) = try stores(cacheLifetime: 3600)
        let deleted = try await store.create(identity: identity)
        let revoked = try await store.create(identity: identity)
        let kept = try await store.create(identity: SessionIdentity(nameID: "bob", issuer: identity.issuer))
        for id in [deleted, revoked, kept] { #expect(store.cachedSession(id) != nil) }
        try await store.delete(deleted)
        #expect(store.cachedSession(deleted) == nil)
        #expect(try await store.revoke(.user(nameID: identity.nameID, issuer: nil)) == 1)
        #expect(store.cachedSession(revoked) == nil)
        #expect(try await store.get(revoked) == nil)
        #expect(store.cachedSession(kept)?.identity.nameID == "bob")
    }

    /// `gatehouse sessions revoke` is a second store on the same file: the gateway's cached
    /// copy is served until it is `lifetime` old (no database read per request), never after.
    @Test func anotherStoresRevocationIsHonouredOnceTheLifetimeHasPassed() async throws {
        let (store, other, clock) = try stores(cacheLifetime: 2)
        let id = try await store.create(identity: identity)
        #expect(try await other.revoke(.user(nameID: identity.nameID, issuer: identity.issuer)) == 1)
        clock.advance(by: 1.5)
        #expect(store.cachedSession(id) != nil)
        clock.advance(by: 0.5)
        #expect(store.cachedSession(id) == nil)
        #expect(try await store.get(id) == nil)
        #expect(store.cachedSession(id) == nil)
    }

    /// The ACS's combined write goes to the base store in one step and caches the new session,
    /// so the first request after login is answered from memory; a replay caches nothing.
    @Test func loginStepThroughTheWrapperCachesTheNewSessionOnly() async throws {
        let (store, other, clock) = try stores(cacheLifetime: 3600)
        let until = clock.now.addingTimeInterval(300)
        let id = try #require(try await store.createSession(identity: identity, assertionID: "_a1", until: until))
        #expect(store.cachedSession(id)?.identity == identity)
        #expect(try await other.get(id)?.identity == identity)
        #expect(try await other.recordAssertion(id: "_a1", issuer: identity.issuer, until: until) == false)
        #expect(try await store.createSession(identity: identity, assertionID: "_a1", until: until) == nil)
        #expect(try await other.count() == 1)
    }

    /// A burst of requests of one session, all read before any of them touched it, writes
    /// the use once.
    @Test func racingRequestsClaimOneTouch() async throws {
        let (store, other, clock) = try stores(cacheLifetime: 3600)
        let id = try await store.create(identity: identity)
        let read = try #require(store.cachedSession(id))
        clock.advance(by: Self.timeouts.touchInterval + 1)
        let claims = (0..<5).map { _ in store.shouldTouch(read) }
        #expect(claims == [true, false, false, false, false])
        // The claim is not the write: the base store still has the old time until the touch.
        #expect(try await other.get(id)?.lastSeenAt == Self.start)
        try await store.touch(id)
        #expect(try await other.get(id)?.lastSeenAt == clock.now)
        // The memory store has no cache to coordinate through: due is due.
        let memory = MemorySessionStore(timeouts: Self.timeouts, clock: clock)
        let memoryRead = try #require(await memory.get(await memory.create(identity: identity)))
        clock.advance(by: Self.timeouts.touchInterval + 1)
        #expect(memory.shouldTouch(memoryRead) && memory.shouldTouch(memoryRead))
    }

    @Test func factoryPutsTheCacheInFrontOfSQLiteOnly() async throws {
        let path = try TestPaths.scratchDirectory() + "/sessions.sqlite"
        let sqlite = try SessionStoreFactory.make(SessionSettings(store: .sqlite, path: path))
        let cached = try #require(sqlite as? CachedSessionStore<SQLiteSessionStore>)
        #expect(cached.lifetime == SessionStoreFactory.cacheLifetime)
        #expect(SessionStoreFactory.cacheLifetime == 2)
        #expect(try SessionStoreFactory.make(SessionSettings(store: .memory, path: path)) is MemorySessionStore)
    }
}
