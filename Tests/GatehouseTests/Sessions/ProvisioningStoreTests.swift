import Foundation
import Gatehouse
import Testing

/// The rules every ``ProvisioningStore`` keeps, run against each backend.
@Suite struct ProvisioningStoreTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    /// Every backend under test, fresh.
    static func backends() throws -> [any ProvisioningStore] {
        let folder = try TestPaths.scratchDirectory()
        return [
            MemorySessionStore(),
            try SQLiteSessionStore(path: folder + "/sessions.sqlite"),
            CachedSessionStore(wrapping: try SQLiteSessionStore(path: folder + "/cached.sqlite")),
        ]
    }

    static func user(_ id: String, name: String, tenant: String = "", revision: Int = 1, at offset: TimeInterval = 0) -> ProvisionedRecord {
        ProvisionedRecord(
            kind: .user,
            id: id,
            tenant: tenant,
            document: Data(#"{"userName":"\#(name)"}"#.utf8),
            revision: revision,
            created: start.addingTimeInterval(offset),
            lastModified: start.addingTimeInterval(offset),
            name: name,
            externalID: "ext-\(id)",
            emails: ["\(name.lowercased())@example.com"]
        )
    }

    @Test func namesAreUniquePerKindAndTenantIgnoringCase() async throws {
        for store in try Self.backends() {
            try await store.apply([.insert(Self.user("1", name: "Alice"))])
            await #expect(throws: ProvisioningStoreError.uniqueness(.user, name: "ALICE")) {
                try await store.apply([.insert(Self.user("2", name: "ALICE"))])
            }
            try await store.apply([.insert(Self.user("2", name: "alice", tenant: "https://other-idp.example"))])
            var group = Self.user("3", name: "Alice")
            group.kind = .group
            try await store.apply([.insert(group)])
            #expect(try await store.counts(tenant: nil) == ProvisioningCounts(users: 2, activeUsers: 2, groups: 1))
            #expect(try await store.counts(tenant: "") == ProvisioningCounts(users: 1, activeUsers: 1, groups: 1))
        }
    }

    @Test func aReplaceMustFollowTheStoredRevision() async throws {
        for store in try Self.backends() {
            try await store.apply([.insert(Self.user("1", name: "alice"))])
            var next = Self.user("1", name: "alice", revision: 2)
            next.active = false
            try await store.apply([.replace(next)])
            await #expect(throws: ProvisioningStoreError.revisionMismatch(.user, id: "1", stored: 2)) {
                try await store.apply([.replace(next)])
            }
            #expect(try await store.record(.user, id: "1", tenant: "")?.active == false)
            #expect(try await store.counts(tenant: "").activeUsers == 0)
        }
    }

    @Test func aFailedBatchChangesNothing() async throws {
        for store in try Self.backends() {
            try await store.apply([.insert(Self.user("1", name: "alice"))])
            await #expect(throws: ProvisioningStoreError.notFound(.user, id: "missing")) {
                try await store.apply([.insert(Self.user("2", name: "bob")), .delete(.user, id: "missing", tenant: "")])
            }
            #expect(try await store.record(.user, id: "2", tenant: "") == nil)
        }
    }

    @Test func lookupsAndListingOrder() async throws {
        for store in try Self.backends() {
            try await store.apply([
                .insert(Self.user("b", name: "Bob", at: 5)),
                .insert(Self.user("a", name: "Alice", at: 5)),
                .insert(Self.user("c", name: "Carol", at: 1)),
            ])
            #expect(try await store.records(.user, tenant: "").map(\.id) == ["c", "a", "b"])
            #expect(try await store.records(.user, tenant: "", where: .name("bob")).map(\.id) == ["b"])
            #expect(try await store.records(.user, tenant: "", where: .email("ALICE@example.com")).map(\.id) == ["a"])
            #expect(try await store.records(.user, tenant: "", where: .externalID("ext-c")).map(\.id) == ["c"])
            #expect(try await store.records(.user, tenant: "", where: .externalID("EXT-C")).isEmpty)
            #expect(try await store.records(.user, tenant: "other", where: .name("bob")).isEmpty)

            var group = Self.user("g", name: "Engineering")
            group.kind = .group
            group.emails = []
            group.memberIDs = ["a", "c"]
            try await store.apply([.insert(group)])
            #expect(try await store.groups(withMember: "c", tenant: "").map(\.id) == ["g"])
            #expect(try await store.groups(withMember: "b", tenant: "").isEmpty)
        }
    }

    @Test func aRecordReadsBackAsWrittenAndAReplaceMovesItsKeys() async throws {
        for store in try Self.backends() {
            var alice = Self.user("1", name: "Alice")
            alice.created = Date(timeIntervalSinceReferenceDate: 801_234_567.123_456_7)
            alice.emails = ["alice@example.com", "a.smith@example.com"]
            var group = Self.user("g", name: "Engineering")
            group.kind = .group
            group.emails = []
            group.memberIDs = ["1", "2"]
            try await store.apply([.insert(alice), .insert(Self.user("2", name: "Bob")), .insert(group)])
            #expect(try await store.record(.user, id: "1", tenant: "") == alice)
            #expect(try await store.record(.group, id: "g", tenant: "") == group)

            var renamed = alice
            renamed.revision = 2
            renamed.name = "Alicia"
            renamed.emails = ["alicia@example.com"]
            renamed.externalID = nil
            var smaller = group
            smaller.revision = 2
            smaller.memberIDs = ["2"]
            try await store.apply([.replace(renamed), .replace(smaller)])
            #expect(try await store.records(.user, tenant: "", where: .name("alice")).isEmpty)
            #expect(try await store.records(.user, tenant: "", where: .email("alice@example.com")).isEmpty)
            #expect(try await store.records(.user, tenant: "", where: .externalID("ext-1")).isEmpty)
            #expect(try await store.records(.user, tenant: "", where: .email("ALICIA@example.com")).map(\.id) == ["1"])
            #expect(try await store.groups(withMember: "1", tenant: "").isEmpty)
            #expect(try await store.record(.group, id: "g", tenant: "")?.memberIDs == ["2"])

            // A rename onto another user's name fails whole, as a uniqueness error.
            var clash = Self.user("2", name: "ALICIA", revision: 2)
            clash.emails = []
            await #expect(throws: ProvisioningStoreError.uniqueness(.user, name: "ALICIA")) {
                try await store.apply([.replace(clash)])
            }
            await #expect(throws: ProvisioningStoreError.conflict(.user, id: "2")) {
                try await store.apply([.insert(Self.user("2", name: "Carol"))])
            }
            try await store.apply([.delete(.user, id: "1", tenant: "")])
            #expect(try await store.record(.user, id: "1", tenant: "") == nil)
            #expect(try await store.records(.user, tenant: "", where: .email("alicia@example.com")).isEmpty)
        }
    }

    @Test func sqliteRecordsSurviveReopening() async throws {
        let path = try TestPaths.scratchDirectory() + "/sessions.sqlite"
        var group = Self.user("g", name: "Engineering", tenant: "https://idp.example")
        group.kind = .group
        group.emails = []
        group.memberIDs = ["1"]
        let alice = Self.user("1", name: "Alice", tenant: "https://idp.example")
        do {
            let store = try SQLiteSessionStore(path: path)
            try await store.apply([.insert(alice), .insert(group)])
        }
        let reopened = try SQLiteSessionStore(path: path)
        #expect(try await reopened.record(.user, id: "1", tenant: "https://idp.example") == alice)
        #expect(try await reopened.groups(withMember: "1", tenant: "https://idp.example") == [group])
        #expect(try await reopened.counts(tenant: nil) == ProvisioningCounts(users: 1, activeUsers: 1, groups: 1))
        await #expect(throws: ProvisioningStoreError.uniqueness(.user, name: "alice")) {
            try await reopened.apply([.insert(Self.user("2", name: "alice", tenant: "https://idp.example"))])
        }
    }
}
