import Foundation
import Testing

@testable import Gatehouse

/// Pending logouts in both stores (each taken once, void after expiry), and session files
/// written before sessions kept the NameID qualifiers.
@Suite struct PendingLogoutStoreTests {
    enum Kind: String, CaseIterable, Sendable { case memory, sqlite }

    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    static func makeStore(_ kind: Kind, clock: ManualWallClock) throws -> any SessionStorage {
        switch kind {
        case .memory: return MemorySessionStore(clock: clock)
        case .sqlite:
            let path = try TestPaths.scratchDirectory() + "/sessions.sqlite"
            return CachedSessionStore(wrapping: try SQLiteSessionStore(path: path, clock: clock))
        }
    }

    static func logout(expiresAt: Date, returnPath: String? = "/bye") -> PendingLogout {
        PendingLogout(
            relayState: SessionID.generate(), requestID: "_lr-1", idpEntityID: "https://idp.example", returnPath: returnPath,
            expiresAt: expiresAt)
    }

    @Test(arguments: Kind.allCases)
    func aPendingLogoutIsTakenOnce(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try Self.makeStore(kind, clock: clock)
        let logout = Self.logout(expiresAt: Self.start.addingTimeInterval(300), returnPath: nil)
        try await store.savePendingLogout(logout)
        #expect(try await store.takePendingLogout(relayState: SessionID.generate()) == nil)
        #expect(try await store.takePendingLogout(relayState: logout.relayState) == logout)
        #expect(try await store.takePendingLogout(relayState: logout.relayState) == nil)
    }

    @Test(arguments: Kind.allCases)
    func anExpiredPendingLogoutIsVoidAndPurged(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try Self.makeStore(kind, clock: clock)
        let late = Self.logout(expiresAt: Self.start.addingTimeInterval(300))
        let purged = Self.logout(expiresAt: Self.start.addingTimeInterval(300))
        let kept = Self.logout(expiresAt: Self.start.addingTimeInterval(900))
        for logout in [late, purged, kept] { try await store.savePendingLogout(logout) }
        clock.advance(by: 300)
        #expect(try await store.takePendingLogout(relayState: late.relayState) == nil)
        try await store.purgeAllExpired()
        // Purged: the clock going back cannot bring it back.
        #expect(try await store.takePendingLogout(relayState: purged.relayState) == nil)
        #expect(try await store.takePendingLogout(relayState: kept.relayState) == kept)
    }

    @Test(arguments: Kind.allCases)
    func sessionsKeepTheNameIDQualifiers(_ kind: Kind) async throws {
        let store = try Self.makeStore(kind, clock: ManualWallClock(Self.start))
        let identity = SessionIdentity(
            nameID: "alice", nameIDFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            nameQualifier: "https://idp.example", spNameQualifier: "https://sp.example", issuer: "https://idp.example",
            sessionIndex: "s1", attributes: ["groups": ["staff"]])
        let id = try await store.create(identity: identity)
        #expect(try await store.get(id)?.identity == identity)
        // Read back from the file, not the cache.
        if let cached = store as? CachedSessionStore<SQLiteSessionStore> {
            #expect(try await cached.base.get(id)?.identity == identity)
        }
    }

    /// A file from before pending logouts and NameID qualifiers (migrated up to v3): its
    /// sessions load, with no qualifiers, and it gains the pending-logout table.
    @Test func aSessionFileFromBeforeTheQualifiersKeepsWorking() async throws {
        let path = try TestPaths.scratchDirectory() + "/sessions.sqlite"
        let now = Self.start.timeIntervalSince1970
        let id = SessionID.generate()
        // The identity JSON exactly as the previous version wrote it.
        let json =
            #"{"nameID":"alice","nameIDFormat":"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent","issuer":"https://idp.example","sessionIndex":"s1","attributes":{"groups":["staff"]}}"#
        try SQLiteSessionStore.createFile(
            path: path, migratedUpTo: "v3 revocation keys",
            then: """
                INSERT INTO sessions (id_hash, name_id, issuer, session_index, identity, created_at, last_seen_at)
                VALUES ('\(SessionID.hash(id))', 'alice', 'https://idp.example', 's1', CAST('\(json)' AS BLOB), \(now), \(now));
                """)
        let clock = ManualWallClock(Self.start.addingTimeInterval(5))
        let store = CachedSessionStore(wrapping: try SQLiteSessionStore(path: path, clock: clock))
        let identity = try #require(try await store.get(id)?.identity)
        #expect(
            identity
                == SessionIdentity(
                    nameID: "alice", nameIDFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", issuer: "https://idp.example",
                    sessionIndex: "s1", attributes: ["groups": ["staff"]]))
        #expect(identity.nameQualifier == nil && identity.spNameQualifier == nil)
        let logout = Self.logout(expiresAt: clock.now.addingTimeInterval(300))
        try await store.savePendingLogout(logout)
        #expect(try await store.takePendingLogout(relayState: logout.relayState) == logout)
    }
}
