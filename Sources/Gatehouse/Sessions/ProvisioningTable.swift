import Foundation

/// Provisioned records held in memory, with the rules every backend keeps: names unique per
/// kind and tenant ignoring case, revisions that go up by one, all-or-nothing batches and a
/// stable listing order. ``MemorySessionStore`` keeps one behind its lock.
struct ProvisioningTable: Sendable {
    private struct Key: Hashable {
        var kind: ProvisionedKind
        var tenant: String
        var id: String
    }

    private var records: [Key: ProvisionedRecord] = [:]

    /// Applies `writes` to a copy and keeps the copy only when every write succeeded.
    mutating func apply(_ writes: [ProvisioningWrite]) throws(ProvisioningStoreError) {
        var copy = self
        for write in writes {
            try copy.apply(write)
        }
        self = copy
    }

    private mutating func apply(_ write: ProvisioningWrite) throws(ProvisioningStoreError) {
        switch write {
        case .insert(let record):
            let key = Key(kind: record.kind, tenant: record.tenant, id: record.id)
            guard records[key] == nil else { throw .conflict(record.kind, id: record.id) }
            try checkUnique(record)
            records[key] = record
        case .replace(let record):
            let key = Key(kind: record.kind, tenant: record.tenant, id: record.id)
            guard let stored = records[key] else { throw .notFound(record.kind, id: record.id) }
            guard stored.revision == record.revision - 1 else {
                throw .revisionMismatch(record.kind, id: record.id, stored: stored.revision)
            }
            try checkUnique(record)
            records[key] = record
        case .delete(let kind, let id, let tenant):
            guard records.removeValue(forKey: Key(kind: kind, tenant: tenant, id: id)) != nil else {
                throw .notFound(kind, id: id)
            }
        }
    }

    private func checkUnique(_ record: ProvisionedRecord) throws(ProvisioningStoreError) {
        let name = record.name.lowercased()
        let taken = records.values.contains {
            $0.kind == record.kind && $0.tenant == record.tenant && $0.id != record.id && $0.name.lowercased() == name
        }
        if taken { throw .uniqueness(record.kind, name: record.name) }
    }

    func record(_ kind: ProvisionedKind, id: String, tenant: String) -> ProvisionedRecord? {
        records[Key(kind: kind, tenant: tenant, id: id)]
    }

    func records(_ kind: ProvisionedKind, tenant: String) -> [ProvisionedRecord] {
        records.values.filter { $0.kind == kind && $0.tenant == tenant }.sorted(by: Self.listingOrder)
    }

    func records(_ kind: ProvisionedKind, tenant: String, where key: ProvisioningKey) -> [ProvisionedRecord] {
        records(kind, tenant: tenant).filter { record in
            switch key {
            case .name(let name): record.name.lowercased() == name.lowercased()
            case .externalID(let id): record.externalID == id
            case .email(let email): record.emails.contains { $0.lowercased() == email.lowercased() }
            }
        }
    }

    func groups(withMember userID: String, tenant: String) -> [ProvisionedRecord] {
        records(.group, tenant: tenant).filter { $0.memberIDs.contains(userID) }
    }

    func counts(tenant: String?) -> ProvisioningCounts {
        var counts = ProvisioningCounts(users: 0, activeUsers: 0, groups: 0)
        for record in records.values where tenant.map({ $0 == record.tenant }) ?? true {
            switch record.kind {
            case .user:
                counts.users += 1
                if record.active { counts.activeUsers += 1 }
            case .group:
                counts.groups += 1
            }
        }
        return counts
    }

    /// Creation time, then id: the order SCIM pages are cut from.
    static func listingOrder(_ lhs: ProvisionedRecord, _ rhs: ProvisionedRecord) -> Bool {
        lhs.created != rhs.created ? lhs.created < rhs.created : lhs.id < rhs.id
    }
}
