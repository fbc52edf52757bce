import Foundation
import Gatehouse
import Testing

/// The same behaviours of the three store protocols (``SessionStore``, ``PendingLoginStore``,
/// ``AssertionReplayStore``) and the combined login step, run against every backend, and
/// against SQLite behind the cache wrapper as the gateway uses it.
@Suite struct SessionStoreTests {
    enum Kind: String, CaseIterable, Sendable { case memory, sqlite, cachedSQLite }

    static let start = Date(timeIntervalSince1970: 1_780_000_000)
    static let timeouts = SessionTimeouts(idle: 600, absolute: 3600)
    let identity = SessionIdentity(
        nameID: "alice@example.com", nameIDFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        issuer: "https://idp.example.com", sessionIndex: "s1", attributes: ["groups": ["admins", "staff"]])

    func makeStore(_ kind: Kind, clock: ManualWallClock) throws -> any SessionStorage {
        switch kind {
        case .memory:
            return MemorySessionStore(timeouts: Self.timeouts, clock: clock)
        case .sqlite:
            return try SQLiteSessionStore(
                path: try TestPaths.scratchDirectory() + "/sessions.sqlite", timeouts: Self.timeouts, clock: clock)
        case .cachedSQLite:
            let file = try SQLiteSessionStore(
                path: try TestPaths.scratchDirectory() + "/sessions.sqlite", timeouts: Self.timeouts, clock: clock)
            return CachedSessionStore(wrapping: file, lifetime: 3600)
        }
    }

    @Test(arguments: Kind.allCases)
    func createdSessionIsFoundByItsID(_ kind: Kind) async throws {
        let store = try makeStore(kind, clock: ManualWallClock(Self.start))
        let id = try await store.create(identity: identity)
        #expect(SessionID.isWellFormed(id))
        let session = try #require(try await store.get(id))
        #expect(session.identity == identity)
        #expect(session.idHash == SessionID.hash(id))
        #expect(try await store.get(SessionID.generate()) == nil)
        #expect(try await store.count() == 1)
    }

    @Test(arguments: Kind.allCases)
    func idleSessionExpiresUnlessTouched(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try makeStore(kind, clock: clock)
        let busy = try await store.create(identity: identity)
        let idle = try await store.create(identity: identity)
        clock.advance(by: 500)
        try await store.touch(busy)
        clock.advance(by: 200)
        #expect(try await store.get(busy) != nil)
        #expect(try await store.get(idle) == nil)
        #expect(try await store.count() == 1)
    }

    @Test(arguments: Kind.allCases)
    func absoluteTimeoutEndsEvenABusySession(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try makeStore(kind, clock: clock)
        let id = try await store.create(identity: identity)
        for _ in 0..<8 {  // 8 × 500 s passes the 3600 s absolute timeout
            clock.advance(by: 500)
            try await store.touch(id)
        }
        #expect(try await store.get(id) == nil)
    }

    @Test(arguments: Kind.allCases)
    func deleteAndRevokingAUserEndSessions(_ kind: Kind) async throws {
        let store = try makeStore(kind, clock: ManualWallClock(Self.start))
        let first = try await store.create(identity: identity)
        let second = try await store.create(identity: identity)
        var bob = identity
        bob.nameID = "bob@example.com"
        let third = try await store.create(identity: bob)
        try await store.delete(first)
        #expect(try await store.get(first) == nil)
        #expect(try await store.revoke(.user(nameID: "alice@example.com", issuer: identity.issuer)) == 1)
        #expect(try await store.get(second) == nil)
        #expect(try await store.get(third) != nil)
    }

    @Test(arguments: Kind.allCases)
    func pendingLoginIsTakenOnceAndExpires(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try makeStore(kind, clock: clock)
        let login = PendingLogin(
            relayState: SessionID.generate(), requestID: "_req1", idpEntityID: "https://idp.example.com",
            returnPath: "/docs?page=2", browserBindingHash: SessionID.hash("cookie"),
            expiresAt: Self.start.addingTimeInterval(600))
        try await store.savePendingLogin(login)
        #expect(try await store.takePendingLogin(relayState: login.relayState) == login)
        #expect(try await store.takePendingLogin(relayState: login.relayState) == nil)

        try await store.savePendingLogin(login)
        clock.advance(by: 601)
        #expect(try await store.takePendingLogin(relayState: login.relayState) == nil)
    }

    @Test(arguments: Kind.allCases)
    func replayedAssertionIsRefusedUntilItExpires(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try makeStore(kind, clock: clock)
        let until = Self.start.addingTimeInterval(300)
        #expect(try await store.recordAssertion(id: "_a1", issuer: "idp", until: until))
        #expect(try await store.recordAssertion(id: "_a1", issuer: "idp", until: until) == false)
        #expect(try await store.recordAssertion(id: "_a1", issuer: "other-idp", until: until))
        clock.advance(by: 301)
        try await store.purgeAllExpired()
        #expect(try await store.recordAssertion(id: "_a1", issuer: "idp", until: until.addingTimeInterval(600)))
    }

    @Test(arguments: Kind.allCases)
    func loginStepCreatesASessionOnceAndRefusesTheReplay(_ kind: Kind) async throws {
        let store = try makeStore(kind, clock: ManualWallClock(Self.start))
        let until = Self.start.addingTimeInterval(300)
        let id = try #require(try await store.createSession(identity: identity, assertionID: "_a1", until: until))
        #expect(try await store.get(id)?.identity == identity)
        #expect(try await store.createSession(identity: identity, assertionID: "_a1", until: until) == nil)
        #expect(try await store.count() == 1)
        // The same assertion ID from another IdP is a different assertion.
        var other = identity
        other.issuer = "https://other-idp.example.com"
        #expect(try await store.createSession(identity: other, assertionID: "_a1", until: until) != nil)
        // One replay cache: recordAssertion sees what the login step recorded.
        #expect(try await store.recordAssertion(id: "_a1", issuer: identity.issuer, until: until) == false)
    }

    @Test(arguments: Kind.allCases)
    func eachPurgeRemovesOnlyExpiredRecordsOfItsOwnKind(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try makeStore(kind, clock: clock)
        let session = try await store.create(identity: identity)
        let login = PendingLogin(
            relayState: SessionID.generate(), requestID: "_req1", idpEntityID: identity.issuer, returnPath: "/",
            browserBindingHash: SessionID.hash("cookie"), expiresAt: Self.start.addingTimeInterval(1000))
        try await store.savePendingLogin(login)
        #expect(try await store.recordAssertion(id: "_a1", issuer: identity.issuer, until: Self.start.addingTimeInterval(1000)))
        // Past the session's idle timeout, before the login and the assertion expire.
        clock.advance(by: Self.timeouts.idle + 1)
        try await store.purgeExpired()
        try await store.purgeExpiredPendingLogins()
        try await store.purgeExpiredAssertions()
        try await store.purgeAllExpired()
        #expect(try await store.count() == 0)
        #expect(try await store.get(session) == nil)
        #expect(try await store.takePendingLogin(relayState: login.relayState) == login)
        #expect(try await store.recordAssertion(id: "_a1", issuer: identity.issuer, until: Self.start.addingTimeInterval(2000)) == false)
    }

    @Test(arguments: Kind.allCases)
    func listAndCountSeeOnlyLiveSessionsAndPurgeKeepsThem(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try makeStore(kind, clock: clock)
        let old = try await store.create(identity: identity)
        clock.advance(by: Self.timeouts.idle - 10)
        var bob = identity
        bob.nameID = "bob@example.com"
        let fresh = try await store.create(identity: bob)
        clock.advance(by: 20)  // `old` is now past its idle timeout, `fresh` is not
        #expect(try await store.count() == 1)
        #expect(try await store.list(nameID: nil, issuer: nil).map(\.idHash) == [SessionID.hash(fresh)])
        try await store.purgeExpired()
        #expect(try await store.get(fresh)?.identity == bob)
        #expect(try await store.get(old) == nil)
        #expect(try await store.list(nameID: "bob@example.com", issuer: identity.issuer).count == 1)
    }

    @Test(arguments: Kind.allCases)
    func useIsDueOnlyAfterTheTouchInterval(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try makeStore(kind, clock: clock)
        let id = try await store.create(identity: identity)
        let read = try #require(try await store.get(id))
        #expect(Self.timeouts.touchInterval == 60)
        clock.advance(by: 60)
        #expect(!store.shouldTouch(read))
        clock.advance(by: 1)
        #expect(store.shouldTouch(read))
        try await store.touch(id)
        let touched = try #require(try await store.get(id))
        #expect(touched.lastSeenAt == Self.start.addingTimeInterval(61))
        #expect(!store.shouldTouch(touched))
    }
}
