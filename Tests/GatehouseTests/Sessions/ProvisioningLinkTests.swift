import Foundation
import Testing

@testable import Gatehouse

/// A session's provisioning link in both stores: kept, found by the user's id or (unlinked) by
/// its key, rewritten by a group change, and absent from sessions stored before it existed.
@Suite struct ProvisioningLinkTests {
    typealias Kind = SessionRevocationTests.Kind
    static let idp = SessionRevocationTests.idpA
    static let start = SessionRevocationTests.start

    static func identity(_ nameID: String, link: ProvisioningLink?) -> SessionIdentity {
        SessionIdentity(nameID: nameID, issuer: idp, attributes: ["groups": ["staff"]], provisioning: link)
    }

    /// Linked to u1; unlinked under u1's key; linked to u2 under u1's old key; another tenant
    /// under the same key; no link at all.
    struct Sessions {
        var linked, unlinked, otherUser, otherTenant, none: String
    }

    static func createSessions(in store: any SessionStore) async throws -> Sessions {
        Sessions(
            linked: try await store.create(
                identity: identity("a", link: ProvisioningLink(tenant: "", key: "a@x", userID: "u1", groups: ["g"]))),
            unlinked: try await store.create(identity: identity("a", link: ProvisioningLink(tenant: "", key: "a@x"))),
            otherUser: try await store.create(identity: identity("a", link: ProvisioningLink(tenant: "", key: "a@x", userID: "u2"))),
            otherTenant: try await store.create(identity: identity("a", link: ProvisioningLink(tenant: idp, key: "a@x"))),
            none: try await store.create(identity: identity("a", link: nil)))
    }

    @Test(arguments: Kind.allCases)
    func provisionedUserSelectsLinkedAndUnlinkedByKeyOnly(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try SessionRevocationTests.makeStore(kind, clock: clock)
        let sessions = try await Self.createSessions(in: store)
        let all = [sessions.linked, sessions.unlinked, sessions.otherUser, sessions.otherTenant, sessions.none]
        for id in all { #expect(try await store.get(id) != nil) }
        #expect(try await store.get(sessions.linked)?.identity.provisioning?.groups == ["g"])

        #expect(try await store.revoke(.provisionedUser(tenant: "", userID: "u1", keys: ["a@x"])) == 2)
        for id in all {
            let ended = id == sessions.linked || id == sessions.unlinked
            #expect(try await store.get(id) == nil ? ended : !ended)
        }
        #expect(try await store.revoke(.provisionedUser(tenant: "", userID: "u2", keys: [])) == 1)
    }

    @Test(arguments: Kind.allCases)
    func updateLinksUnlinkedSessionsAndRewritesGroups(_ kind: Kind) async throws {
        let clock = ManualWallClock(Self.start)
        let store = try SessionRevocationTests.makeStore(kind, clock: clock)
        let sessions = try await Self.createSessions(in: store)
        for id in [sessions.linked, sessions.unlinked, sessions.none] { #expect(try await store.get(id) != nil) }

        let selector = SessionSelector.provisionedUser(tenant: "", userID: "u1", keys: ["a@x"])
        #expect(try await store.updateProvisioning(selector, userID: "u1", groups: ["admins", "ops"]) == 2)
        for id in [sessions.linked, sessions.unlinked] {
            let link = try #require(try await store.get(id)?.identity.provisioning)
            #expect(link == ProvisioningLink(tenant: "", key: "a@x", userID: "u1", groups: ["admins", "ops"]))
        }
        #expect(try await store.get(sessions.otherUser)?.identity.provisioning?.groups == [])
        #expect(try await store.get(sessions.none)?.identity.provisioning == nil)
        // Now linked, the formerly unlinked session is found by the id alone.
        #expect(try await store.revoke(.provisionedUser(tenant: "", userID: "u1", keys: [])) == 2)
    }

    /// A group change made by another process on the same file reaches this one within the
    /// cache lifetime, as a revocation does.
    @Test func anotherProcessesGroupChangeIsSeenWithinTheCacheLifetime() async throws {
        let path = try TestPaths.scratchDirectory() + "/sessions.sqlite"
        let clock = ManualWallClock(Self.start)
        let timeouts = SessionRevocationTests.timeouts
        let server = CachedSessionStore(wrapping: try SQLiteSessionStore(path: path, timeouts: timeouts, clock: clock), lifetime: 2)
        let other = try SQLiteSessionStore(path: path, timeouts: timeouts, clock: clock)
        let id = try await server.create(identity: Self.identity("a", link: ProvisioningLink(tenant: "", key: "a@x", userID: "u1")))
        #expect(try await server.get(id)?.identity.provisioning?.groups == [])
        #expect(try await other.updateProvisioning(.provisionedUser(tenant: "", userID: "u1", keys: []), userID: "u1", groups: ["g"]) == 1)
        clock.advance(by: 2)
        #expect(try await server.get(id)?.identity.provisioning?.groups == ["g"])
    }

    /// A file from before the provisioning link opens; its sessions load without one and are
    /// never selected by a provisioned user.
    @Test func sessionFileFromBeforeTheLinkKeepsWorking() async throws {
        let path = try TestPaths.scratchDirectory() + "/sessions.sqlite"
        let now = Self.start.timeIntervalSince1970
        let old = SessionIdentity(nameID: "a@x", issuer: Self.idp, sessionIndex: "s1")
        let oldJSON = String(decoding: try JSONEncoder().encode(old), as: UTF8.self)
        let id = SessionID.generate()
        try SQLiteSessionStore.createFile(
            path: path, migratedUpTo: "v3 revocation keys",
            then: """
                INSERT INTO sessions (id_hash, name_id, issuer, session_index, identity, created_at, last_seen_at)
                VALUES ('\(SessionID.hash(id))', 'a@x', '\(Self.idp)', 's1', CAST('\(oldJSON)' AS BLOB), \(now), \(now));
                """)
        let clock = ManualWallClock(Self.start.addingTimeInterval(5))
        let store = try SQLiteSessionStore(path: path, timeouts: SessionRevocationTests.timeouts, clock: clock)
        #expect(try await store.get(id)?.identity == old)
        #expect(try await store.revoke(.provisionedUser(tenant: "", userID: "u1", keys: ["a@x"])) == 0)
        #expect(try await store.updateProvisioning(.all, userID: "u1", groups: ["g"]) == 0)
        #expect(try await store.revoke(.user(nameID: "a@x", issuer: Self.idp)) == 1)
    }

    @Test func packedSessionsKeepTheLink() {
        let link = ProvisioningLink(tenant: "t", key: "k", userID: nil, groups: ["a", "b"])
        let identity = Self.identity("a", link: link)
        let packed = CompactSession(identity: identity, createdAt: Self.start, lastSeenAt: Self.start)
        #expect(packed.identity == identity)
        #expect(packed.keys.nameID == "a")
        let bare = CompactSession(identity: Self.identity("a", link: nil), createdAt: Self.start, lastSeenAt: Self.start)
        #expect(bare.identity.provisioning == nil)
    }
}
