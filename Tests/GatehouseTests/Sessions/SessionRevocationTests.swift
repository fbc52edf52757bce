import Foundation
import Testing

@testable import Gatehouse

/// Revocation and listing through the store API, against both stores: each kind of
/// revocation ends exactly the sessions it names, at once, cached or not.
@Suite struct SessionRevocationTests {
    enum Kind: String, CaseIterable, Sendable { case memory, sqlite }

    /// The kinds of revocation, each with the sessions of ``Sessions`` it must end.
    enum Revocation: String, CaseIterable, Sendable {
        case oneSession, userAtOneIdP, userAtEveryIdP, sessionIndex, all

        func selector(_ sessions: Sessions) -> SessionSelector {
            switch self {
            case .oneSession: .idHash(SessionID.hash(sessions.aliceFirst))
            case .userAtOneIdP: .user(nameID: "alice", issuer: SessionRevocationTests.idpA)
            case .userAtEveryIdP: .user(nameID: "alice", issuer: nil)
            case .sessionIndex: .sessionIndex("s1", issuer: SessionRevocationTests.idpA)
            case .all: .all
            }
        }

        func ended(_ sessions: Sessions) -> Set<String> {
            switch self {
            case .oneSession, .sessionIndex: [sessions.aliceFirst]
            case .userAtOneIdP: [sessions.aliceFirst, sessions.aliceSecond]
            case .userAtEveryIdP: [sessions.aliceFirst, sessions.aliceSecond, sessions.aliceAtB]
            case .all: Set(sessions.all)
            }
        }
    }

    /// Alice twice at IdP A (SessionIndex s1, s2), once at IdP B (also s1), and Bob at A (s3):
    /// every selector has a near miss that must survive.
    struct Sessions {
        var aliceFirst: String
        var aliceSecond: String
        var aliceAtB: String
        var bob: String
        var all: [String] { [aliceFirst, aliceSecond, aliceAtB, bob] }
    }

    static let idpA = "https://idp-a.example.com"
    static let idpB = "https://idp-b.example.com"
    static let start = Date(timeIntervalSince1970: 1_780_000_000)
    static let timeouts = SessionTimeouts(idle: 600, absolute: 3600)

    static func makeStore(_ kind: Kind, clock: ManualWallClock, path: String? = nil) throws -> any SessionStorage {
        switch kind {
        case .memory:
            return MemorySessionStore(timeouts: timeouts, clock: clock)
        case .sqlite:
            let file = try path ?? TestPaths.scratchDirectory() + "/sessions.sqlite"
            return CachedSessionStore(wrapping: try SQLiteSessionStore(path: file, timeouts: timeouts, clock: clock), lifetime: 3600)
        }
    }

    static func identity(_ nameID: String, _ issuer: String, _ sessionIndex: String) -> SessionIdentity {
        SessionIdentity(
            nameID: nameID, issuer: issuer, sessionIndex: sessionIndex,
            authnContextClassRef: "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
            attributes: ["groups": ["staff"]])
    }

    static func createSessions(in store: any SessionStore, clock: ManualWallClock) async throws -> Sessions {
        let aliceFirst = try await store.create(identity: identity("alice", idpA, "s1"))
        clock.advance(by: 1)
        let aliceSecond = try await store.create(identity: identity("alice", idpA, "s2"))
        clock.advance(by: 1)
        let aliceAtB = try await store.create(identity: identity("alice", idpB, "s1"))
        clock.advance(by: 1)
        let bob = try await store.create(identity: identity("bob", idpA, "s3"))
        return Sessions(aliceFirst: aliceFirst, aliceSecond: aliceSecond, aliceAtB: aliceAtB, bob: bob)
    }

    @Test(arguments: Kind.allCases, Revocation.allCases)
    func revocationEndsExactlyTheSessionsItNamesAtOnce(_ kind: Kind, _ revocation: Revocation) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try Self.makeStore(kind, clock: clock)
        let sessions = try await Self.createSessions(in: store, clock: clock)
        // Read every session first, so each is in the SQLite store's cache when it is revoked.
        for id in sessions.all { #expect(try await store.get(id) != nil) }
        let ended = revocation.ended(sessions)
        #expect(try await store.revoke(revocation.selector(sessions)) == ended.count)
        for id in sessions.all {
            if ended.contains(id) {
                #expect(store.cachedSession(id) == nil)
                #expect(try await store.get(id) == nil)
            } else {
                #expect(try await store.get(id) != nil)
            }
        }
        #expect(try await store.count() == 4 - ended.count)
        #expect(try await store.revoke(revocation.selector(sessions)) == 0)
    }

    @Test(arguments: Kind.allCases)
    func listShowsHashesAndWhoNeverTheSessionIDs(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try Self.makeStore(kind, clock: clock)
        let sessions = try await Self.createSessions(in: store, clock: clock)
        clock.advance(by: 10)
        try await store.touch(sessions.bob)

        let everyone = try await store.list(nameID: nil, issuer: nil)
        #expect(everyone.map(\.idHash) == sessions.all.map(SessionID.hash))
        #expect(everyone.map(\.nameID) == ["alice", "alice", "alice", "bob"])
        let bob = try #require(everyone.last)
        #expect(
            bob
                == SessionSummary(
                    idHash: SessionID.hash(sessions.bob), issuer: Self.idpA, nameID: "bob", sessionIndex: "s3",
                    authnContextClassRef: "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
                    createdAt: Self.start.addingTimeInterval(3), lastSeenAt: Self.start.addingTimeInterval(13)))

        let aliceAtA = try await store.list(nameID: "alice", issuer: Self.idpA)
        #expect(aliceAtA.map(\.idHash) == [sessions.aliceFirst, sessions.aliceSecond].map(SessionID.hash))
        #expect(try await store.list(nameID: nil, issuer: Self.idpB).map(\.nameID) == ["alice"])
        #expect(try await store.list(nameID: "carol", issuer: nil).isEmpty)

        // Timed-out sessions are not listed.
        clock.advance(by: Self.timeouts.idle - 5)
        #expect(try await store.list(nameID: nil, issuer: nil).map(\.nameID) == ["bob"])
    }

    @Test(arguments: Kind.allCases)
    func revokingByHashAcceptsEitherCaseAndIgnoresMalformedHashes(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try Self.makeStore(kind, clock: clock)
        let id = try await store.create(identity: Self.identity("alice", Self.idpA, "s1"))
        #expect(try await store.revoke(.idHash("not-a-hash")) == 0)
        #expect(try await store.revoke(.idHash(id)) == 0)  // the raw ID is not its hash
        #expect(try await store.get(id) != nil)
        #expect(try await store.revoke(.idHash(SessionID.hash(id).uppercased())) == 1)
        #expect(try await store.get(id) == nil)
    }

    /// A revocation made by another process on the same file (`gatehouse sessions revoke`)
    /// reaches this one when its cached copy is older than the cache lifetime.
    @Test func anotherProcessesRevocationIsSeenWithinTheCacheLifetime() async throws {
        let path = try TestPaths.scratchDirectory() + "/sessions.sqlite"
        let clock = ManualWallClock(Self.start)
        let server = CachedSessionStore(wrapping: try SQLiteSessionStore(path: path, timeouts: Self.timeouts, clock: clock), lifetime: 2)
        let admin = try SQLiteSessionStore(path: path, timeouts: Self.timeouts, clock: clock)
        let id = try await server.create(identity: Self.identity("alice", Self.idpA, "s1"))
        #expect(try await server.get(id) != nil)
        #expect(try await admin.revoke(.user(nameID: "alice", issuer: Self.idpA)) == 1)
        clock.advance(by: 2)
        #expect(server.cachedSession(id) == nil)
        #expect(try await server.get(id) == nil)
    }

    /// A file written before sessions had issuer and SessionIndex columns opens, keeps its
    /// sessions, and they can be listed and revoked by the new keys.
    @Test func sessionFileFromBeforeTheRevocationKeysKeepsWorking() async throws {
        let path = try TestPaths.scratchDirectory() + "/sessions.sqlite"
        let now = Self.start.timeIntervalSince1970
        let old = SessionIdentity(nameID: "alice", issuer: Self.idpA, sessionIndex: "s1", attributes: ["groups": ["staff"]])
        let oldJSON = String(decoding: try JSONEncoder().encode(old), as: UTF8.self)
        let (first, second) = (SessionID.generate(), SessionID.generate())
        // The rows exactly as the previous version wrote them: no issuer column, identity JSON
        // as a blob.
        try SQLiteSessionStore.createFile(
            path: path, migratedUpTo: "v2 expiry indexes",
            then: """
                INSERT INTO sessions (id_hash, name_id, identity, created_at, last_seen_at)
                VALUES ('\(SessionID.hash(first))', 'alice', CAST('\(oldJSON)' AS BLOB), \(now), \(now)),
                       ('\(SessionID.hash(second))', 'alice', CAST('\(oldJSON)' AS BLOB), \(now), \(now));
                INSERT INTO replay_cache (assertion_key, expires_at) VALUES ('idp\n_a', \(now + 300));
                """)

        let clock = ManualWallClock(Self.start.addingTimeInterval(5))
        let store = CachedSessionStore(wrapping: try SQLiteSessionStore(path: path, timeouts: Self.timeouts, clock: clock))
        #expect(try await store.get(first)?.identity == old)
        let listed = try await store.list(nameID: "alice", issuer: Self.idpA)
        #expect(listed.map(\.sessionIndex) == ["s1", "s1"])
        #expect(listed.allSatisfy { $0.authnContextClassRef == nil })
        #expect(try await store.recordAssertion(id: "_a", issuer: "idp", until: clock.now.addingTimeInterval(60)) == false)
        #expect(try await store.revoke(.sessionIndex("s1", issuer: Self.idpB)) == 0)
        #expect(try await store.revoke(.user(nameID: "alice", issuer: Self.idpA)) == 2)
        #expect(try await store.get(first) == nil)
        #expect(try await store.get(second) == nil)

        // New sessions in the migrated file carry every key.
        let fresh = try await store.create(identity: Self.identity("bob", Self.idpB, "s9"))
        #expect(try await store.revoke(.sessionIndex("s9", issuer: Self.idpB)) == 1)
        #expect(try await store.get(fresh) == nil)
    }
}
