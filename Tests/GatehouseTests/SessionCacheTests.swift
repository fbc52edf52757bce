import Foundation
import Gatehouse
import Testing

/// The SQLite store's in-process cache of decoded sessions: fast, and never in the way of a
/// logout, a deprovisioning or a timeout made through the same store.
@Suite struct SessionCacheTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)
    static let timeouts = SessionTimeouts(idle: 600, absolute: 3600)
    let identity = SessionIdentity(
        nameID: "alice@example.com", issuer: "https://idp.example.com", attributes: ["groups": ["admins", "staff"]])

    func stores(cacheLifetime: TimeInterval = 2) throws -> (cached: SQLiteSessionStore, other: SQLiteSessionStore, clock: ManualWallClock) {
        let path = try TestPaths.scratchDirectory() + "/sessions.sqlite"
        let clock = ManualWallClock(Self.start)
        let cached = try SQLiteSessionStore(path: path, timeouts: Self.timeouts, clock: clock, cacheLifetime: cacheLifetime)
        // Another process on the same file, as far as the first store can tell.
        let other = try SQLiteSessionStore(path: path, timeouts: Self.timeouts, clock: clock, cacheLifetime: 0)
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
}
