import Foundation
import GRDB

/// Provisioned users and groups in the session database, so that a deprovisioning write and
/// the sessions it ends live in one file.
///
/// A batch is one write transaction, committed (with SQLite's default full sync) before
/// ``apply(_:)`` returns. The database itself keeps names unique per kind and tenant: the
/// `name_key` column holds the name lowercased as Swift lowercases it (SQLite's `lower()`
/// folds ASCII only) and carries a unique index.
extension SQLiteSessionStore {
    public func apply(_ writes: [ProvisioningWrite]) async throws(ProvisioningStoreError) {
        try await run { db in
            for write in writes { try Self.apply(write, in: db) }
        }
    }

    public func record(_ kind: ProvisionedKind, id: String, tenant: String) async throws(ProvisioningStoreError) -> ProvisionedRecord? {
        try await read { db in
            try Self.fetch(db, kind: kind, tenant: tenant, condition: "id = ?", arguments: [id]).first
        }
    }

    public func records(_ kind: ProvisionedKind, tenant: String) async throws(ProvisioningStoreError) -> [ProvisionedRecord] {
        try await read { db in try Self.fetch(db, kind: kind, tenant: tenant) }
    }

    public func records(_ kind: ProvisionedKind, tenant: String, where key: ProvisioningKey) async throws(ProvisioningStoreError)
        -> [ProvisionedRecord]
    {
        let (condition, arguments): (String, StatementArguments)
        switch key {
        case .name(let name):
            (condition, arguments) = ("name_key = ?", [name.lowercased()])
        case .externalID(let externalID):
            (condition, arguments) = ("external_id = ?", [externalID])
        case .email(let email):
            (condition, arguments) = (
                "id IN (SELECT id FROM scim_emails WHERE kind = ?1 AND tenant = ?2 AND email = ?)", [email.lowercased()]
            )
        }
        return try await read { db in
            try Self.fetch(db, kind: kind, tenant: tenant, condition: condition, arguments: arguments)
        }
    }

    public func groups(withMember userID: String, tenant: String) async throws(ProvisioningStoreError) -> [ProvisionedRecord] {
        try await read { db in
            try Self.fetch(
                db, kind: .group, tenant: tenant, condition: "id IN (SELECT group_id FROM scim_members WHERE tenant = ?2 AND user_id = ?)",
                arguments: [userID])
        }
    }

    public func counts(tenant: String?) async throws(ProvisioningStoreError) -> ProvisioningCounts {
        try await read { db in
            var sql = """
                SELECT coalesce(sum(kind = 'User'), 0) AS users, coalesce(sum(kind = 'User' AND active), 0) AS active_users,
                coalesce(sum(kind = 'Group'), 0) AS groups FROM scim_records
                """
            var arguments: StatementArguments = []
            if let tenant {
                sql += " WHERE tenant = ?"
                arguments = [tenant]
            }
            guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else {
                return ProvisioningCounts(users: 0, activeUsers: 0, groups: 0)
            }
            return ProvisioningCounts(users: row["users"], activeUsers: row["active_users"], groups: row["groups"])
        }
    }

    // MARK: Writing

    private static func apply(_ write: ProvisioningWrite, in db: Database) throws {
        switch write {
        case .insert(let record):
            do {
                try db.execute(
                    sql: """
                        INSERT INTO scim_records (kind, tenant, id, document, revision, created_at, last_modified, name, name_key, \
                        external_id, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        record.kind.rawValue, record.tenant, record.id, record.document, record.revision,
                        record.created.timeIntervalSinceReferenceDate, record.lastModified.timeIntervalSinceReferenceDate, record.name,
                        record.name.lowercased(), record.externalID, record.active,
                    ])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                throw ProvisioningStoreError.conflict(record.kind, id: record.id)
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw ProvisioningStoreError.uniqueness(record.kind, name: record.name)
            }
            try insertKeys(of: record, in: db)
        case .replace(let record):
            let stored = try Int.fetchOne(
                db, sql: "SELECT revision FROM scim_records WHERE kind = ? AND tenant = ? AND id = ?",
                arguments: [record.kind.rawValue, record.tenant, record.id])
            guard let stored else { throw ProvisioningStoreError.notFound(record.kind, id: record.id) }
            guard stored == record.revision - 1 else {
                throw ProvisioningStoreError.revisionMismatch(record.kind, id: record.id, stored: stored)
            }
            do {
                try db.execute(
                    sql: """
                        UPDATE scim_records SET document = ?, revision = ?, created_at = ?, last_modified = ?, name = ?, name_key = ?, \
                        external_id = ?, active = ? WHERE kind = ? AND tenant = ? AND id = ?
                        """,
                    arguments: [
                        record.document, record.revision, record.created.timeIntervalSinceReferenceDate,
                        record.lastModified.timeIntervalSinceReferenceDate, record.name, record.name.lowercased(), record.externalID,
                        record.active, record.kind.rawValue, record.tenant, record.id,
                    ])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw ProvisioningStoreError.uniqueness(record.kind, name: record.name)
            }
            try deleteKeys(record.kind, id: record.id, tenant: record.tenant, in: db)
            try insertKeys(of: record, in: db)
        case .delete(let kind, let id, let tenant):
            try db.execute(
                sql: "DELETE FROM scim_records WHERE kind = ? AND tenant = ? AND id = ?", arguments: [kind.rawValue, tenant, id])
            guard db.changesCount > 0 else { throw ProvisioningStoreError.notFound(kind, id: id) }
            try deleteKeys(kind, id: id, tenant: tenant, in: db)
        }
    }

    private static func insertKeys(of record: ProvisionedRecord, in db: Database) throws {
        var seen: Set<String> = []
        for email in record.emails.map({ $0.lowercased() }) where seen.insert(email).inserted {
            try db.cachedStatement(sql: "INSERT INTO scim_emails (kind, tenant, id, email) VALUES (?, ?, ?, ?)")
                .execute(arguments: [record.kind.rawValue, record.tenant, record.id, email])
        }
        if record.kind == .group {
            for (position, member) in record.memberIDs.enumerated() {
                try db.cachedStatement(sql: "INSERT INTO scim_members (tenant, group_id, position, user_id) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [record.tenant, record.id, position, member])
            }
        }
    }

    private static func deleteKeys(_ kind: ProvisionedKind, id: String, tenant: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM scim_emails WHERE kind = ? AND tenant = ? AND id = ?", arguments: [kind.rawValue, tenant, id])
        if kind == .group {
            try db.execute(sql: "DELETE FROM scim_members WHERE tenant = ? AND group_id = ?", arguments: [tenant, id])
        }
    }

    // MARK: Reading

    /// The records of `kind` and `tenant` matching `condition` (SQL over `scim_records`, whose
    /// arguments follow the kind and tenant as `?1`, `?2`), in listing order.
    private static func fetch(
        _ db: Database, kind: ProvisionedKind, tenant: String, condition: String = "1", arguments: StatementArguments = []
    ) throws -> [ProvisionedRecord] {
        var all: StatementArguments = [kind.rawValue, tenant]
        all += arguments
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, document, revision, created_at, last_modified, name, external_id, active FROM scim_records
                WHERE kind = ?1 AND tenant = ?2 AND (\(condition)) ORDER BY created_at, id
                """,
            arguments: all)
        guard !rows.isEmpty else { return [] }
        // One query per key table for the whole answer, not one per record: a listing of every
        // user is one page of SCIM results away.
        let single = rows.count == 1
        let onlyID: String = rows[0]["id"]
        var emailArguments: StatementArguments = [kind.rawValue, tenant]
        var memberArguments: StatementArguments = [tenant]
        if single {
            emailArguments += [onlyID]
            memberArguments += [onlyID]
        }
        var emails: [String: [String]] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT id, email FROM scim_emails WHERE kind = ? AND tenant = ?" + (single ? " AND id = ?" : "") + " ORDER BY rowid",
            arguments: emailArguments)
        {
            emails[row["id"], default: []].append(row["email"])
        }
        var members: [String: [String]] = [:]
        if kind == .group {
            for row in try Row.fetchAll(
                db,
                sql: "SELECT group_id, user_id FROM scim_members WHERE tenant = ?" + (single ? " AND group_id = ?" : "")
                    + " ORDER BY group_id, position",
                arguments: memberArguments)
            {
                members[row["group_id"], default: []].append(row["user_id"])
            }
        }
        return rows.map { row in
            let id: String = row["id"]
            return ProvisionedRecord(
                kind: kind, id: id, tenant: tenant, document: row["document"], revision: row["revision"],
                created: Date(timeIntervalSinceReferenceDate: row["created_at"]),
                lastModified: Date(timeIntervalSinceReferenceDate: row["last_modified"]), name: row["name"],
                externalID: row["external_id"], emails: emails[id] ?? [], active: row["active"], memberIDs: members[id] ?? [])
        }
    }

    private func run(_ body: @escaping @Sendable (Database) throws -> Void) async throws(ProvisioningStoreError) {
        do {
            try await pool.write(body)
        } catch let error as ProvisioningStoreError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(ProvisioningStoreError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw .storage("\(error)")
        }
    }

    /// The tables of provisioned records. Times are seconds since 2001 (Foundation's reference
    /// date) so that a record reads back exactly as it was written.
    static func registerProvisioning(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4 provisioning") { db in
            try db.execute(
                sql: """
                    CREATE TABLE scim_records (
                        kind TEXT NOT NULL,
                        tenant TEXT NOT NULL,
                        id TEXT NOT NULL,
                        document BLOB NOT NULL,
                        revision INTEGER NOT NULL,
                        created_at REAL NOT NULL,
                        last_modified REAL NOT NULL,
                        name TEXT NOT NULL,
                        name_key TEXT NOT NULL,
                        external_id TEXT,
                        active INTEGER NOT NULL,
                        PRIMARY KEY (kind, tenant, id)
                    ) WITHOUT ROWID;
                    CREATE UNIQUE INDEX scim_records_name ON scim_records (kind, tenant, name_key);
                    CREATE INDEX scim_records_listing ON scim_records (kind, tenant, created_at, id);
                    CREATE INDEX scim_records_external_id ON scim_records (kind, tenant, external_id) WHERE external_id IS NOT NULL;
                    CREATE TABLE scim_emails (
                        kind TEXT NOT NULL,
                        tenant TEXT NOT NULL,
                        id TEXT NOT NULL,
                        email TEXT NOT NULL
                    );
                    CREATE INDEX scim_emails_email ON scim_emails (kind, tenant, email);
                    CREATE INDEX scim_emails_record ON scim_emails (kind, tenant, id);
                    CREATE TABLE scim_members (
                        tenant TEXT NOT NULL,
                        group_id TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        user_id TEXT NOT NULL,
                        PRIMARY KEY (tenant, group_id, position)
                    ) WITHOUT ROWID;
                    CREATE INDEX scim_members_user ON scim_members (tenant, user_id);
                    """
            )
        }
    }
}
