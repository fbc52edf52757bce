public import Foundation
import GRDB

/// Sessions in an embedded SQLite file (WAL mode): they survive restarts, and so does the
/// replay cache, so a response replayed after a restart is still refused.
///
/// Opening a file that is not a Gatehouse database fails with a ``SessionStoreError`` and
/// leaves the file untouched.
///
/// Every call reads or writes the file, so several processes can share it. The gateway puts
/// a ``CachedSessionStore`` in front, so that the proxy path costs no database read and no
/// JSON decode per request.
public final class SQLiteSessionStore: SessionStorage {
    let pool: DatabasePool
    public let timeouts: SessionTimeouts
    public let clock: any WallClock

    /// Opens (or creates) the database at `path` and migrates it to the current schema.
    public init(
        path: String,
        timeouts: SessionTimeouts = .standard,
        clock: any WallClock = SystemWallClock()
    ) throws(SessionStoreError) {
        self.timeouts = timeouts
        self.clock = clock
        let existed = FileManager.default.fileExists(atPath: path)
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw SessionStoreError(
                "The session database \(path) cannot be opened (\(error)). It was left as it is; "
                    + "move it aside or restore it from a backup, or point session.path at a new file."
            )
        }
        if !existed {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
    }

    public func create(identity: SessionIdentity) async throws -> String {
        let row = NewSession(identity: identity, now: clock.now)
        try await pool.write { db in try row.insert(in: db) }
        return row.id
    }

    /// A session about to be written: its cookie ID and the row the table keeps.
    private struct NewSession {
        let id: String
        let session: Session
        let payload: Data

        init(identity: SessionIdentity, now: Date) {
            id = SessionID.generate()
            let created = Date(timeIntervalSince1970: now.timeIntervalSince1970)
            session = Session(idHash: SessionID.hash(id), identity: identity, createdAt: created, lastSeenAt: created)
            payload = identity.storageJSON()
        }

        func insert(in db: Database) throws {
            let at = session.createdAt.timeIntervalSince1970
            // Cached statements: the login and proxy paths run these constantly; compiling the
            // SQL each time was a visible share of a login.
            let identity = session.identity
            let link = identity.provisioning
            try db.cachedStatement(
                sql: """
                    INSERT INTO sessions (id_hash, name_id, issuer, session_index, authn_context_class_ref, identity, \
                    created_at, last_seen_at, scim_tenant, scim_key, scim_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                session.idHash, identity.nameID, identity.issuer, identity.sessionIndex, identity.authnContextClassRef, payload,
                at, at, link?.tenant, link?.key, link?.userID,
            ])
        }
    }

    public func get(_ id: String) async throws -> Session? {
        let hash = SessionID.hash(id)
        let stored = try await pool.read { db -> (payload: Data, created: Double, lastSeen: Double)? in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT identity, created_at, last_seen_at FROM sessions WHERE id_hash = ?"),
                    arguments: [hash])
            else { return nil }
            return (row["identity"], row["created_at"], row["last_seen_at"])
        }
        guard let stored else { return nil }
        let session = Session(
            idHash: hash,
            identity: try JSONDecoder().decode(SessionIdentity.self, from: stored.payload),
            createdAt: Date(timeIntervalSince1970: stored.created),
            lastSeenAt: Date(timeIntervalSince1970: stored.lastSeen)
        )
        if session.isExpired(at: clock.now, timeouts: timeouts) {
            try await pool.write { db in
                try db.execute(sql: "DELETE FROM sessions WHERE id_hash = ?", arguments: [hash])
            }
            return nil
        }
        return session
    }

    public func touch(_ id: String) async throws {
        let hash = SessionID.hash(id)
        let now = clock.now.timeIntervalSince1970
        try await pool.write { db in
            try db.cachedStatement(sql: "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?").execute(arguments: [now, hash])
        }
    }

    public func delete(_ id: String) async throws {
        let hash = SessionID.hash(id)
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE id_hash = ?", arguments: [hash])
        }
    }

    public func revoke(_ selector: SessionSelector) async throws -> Int {
        guard let (condition, arguments) = Self.condition(selecting: selector) else { return 0 }
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE " + condition, arguments: arguments)
            return db.changesCount
        }
    }

    public func updateProvisioning(_ selector: SessionSelector, userID: String, groups: [String]) async throws -> Int {
        guard let (condition, arguments) = Self.condition(selecting: selector) else { return 0 }
        return try await pool.write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT id_hash, identity FROM sessions WHERE scim_tenant IS NOT NULL AND (" + condition + ")",
                arguments: arguments)
            var changed = 0
            for row in rows {
                var identity = try JSONDecoder().decode(SessionIdentity.self, from: row["identity"] as Data)
                guard var link = identity.provisioning else { continue }
                link.userID = userID
                link.groups = groups
                identity.provisioning = link
                try db.execute(
                    sql: "UPDATE sessions SET identity = ?, scim_user = ? WHERE id_hash = ?",
                    arguments: [identity.storageJSON(), userID, row["id_hash"] as String])
                changed += 1
            }
            return changed
        }
    }

    /// The SQL condition naming the sessions `selector` selects, with its arguments; nil
    /// when it can select none (a malformed hash).
    private static func condition(selecting selector: SessionSelector) -> (String, StatementArguments)? {
        switch selector {
        case .idHash(let hash):
            guard SessionID.isWellFormedHash(hash) else { return nil }
            return ("id_hash = ?", [hash.lowercased()])
        case .user(let nameID, nil):
            return ("name_id = ?", [nameID])
        case .user(let nameID, let issuer?):
            return ("name_id = ? AND issuer = ?", [nameID, issuer])
        case .sessionIndex(let sessionIndex, let issuer):
            return ("issuer = ? AND session_index = ?", [issuer, sessionIndex])
        case .provisionedUser(let tenant, let userID, let keys):
            // As ProvisioningLink.belongs: linked to the user, or unlinked under one of its keys.
            // One subquery per index: written as one OR, SQLite without statistics scans the
            // whole tenant instead.
            var condition = "id_hash IN (SELECT id_hash FROM sessions WHERE scim_tenant = ? AND scim_user = ?"
            var arguments: StatementArguments = [tenant, userID]
            if !keys.isEmpty {
                condition += " UNION ALL SELECT id_hash FROM sessions WHERE scim_tenant = ? AND scim_key IN ("
                condition += keys.map { _ in "?" }.joined(separator: ", ") + ") AND scim_user IS NULL"
                arguments += [tenant]
                arguments += StatementArguments(keys)
            }
            return (condition + ")", arguments)
        case .all:
            return ("1", [])
        }
    }

    public func list(nameID: String?, issuer: String?) async throws -> [SessionSummary] {
        let now = clock.now.timeIntervalSince1970
        var sql = """
            SELECT id_hash, issuer, name_id, session_index, authn_context_class_ref, created_at, last_seen_at
            FROM sessions WHERE last_seen_at > ? AND created_at > ?
            """
        var arguments: StatementArguments = [now - timeouts.idle, now - timeouts.absolute]
        if let nameID {
            sql += " AND name_id = ?"
            arguments += [nameID]
        }
        if let issuer {
            sql += " AND issuer = ?"
            arguments += [issuer]
        }
        sql += " ORDER BY created_at, id_hash"
        return try await pool.read { [sql, arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                SessionSummary(
                    idHash: row["id_hash"], issuer: row["issuer"], nameID: row["name_id"], sessionIndex: row["session_index"],
                    authnContextClassRef: row["authn_context_class_ref"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    lastSeenAt: Date(timeIntervalSince1970: row["last_seen_at"]))
            }
        }
    }

    public func count() async throws -> Int {
        let now = clock.now.timeIntervalSince1970
        let (idle, absolute) = (timeouts.idle, timeouts.absolute)
        return try await pool.read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM sessions WHERE last_seen_at > ? AND created_at > ?",
                arguments: [now - idle, now - absolute]
            ) ?? 0
        }
    }

    public func savePendingLogin(_ login: PendingLogin) async throws {
        try await saveOneTime(login, in: "pending_logins", relayState: login.relayState, until: login.expiresAt)
    }

    public func takePendingLogin(relayState: String) async throws -> PendingLogin? {
        let login = try await takeOneTime(PendingLogin.self, from: "pending_logins", relayState: relayState)
        return login.flatMap { $0.expiresAt > clock.now ? $0 : nil }
    }

    public func savePendingLogout(_ logout: PendingLogout) async throws {
        try await saveOneTime(logout, in: "pending_logouts", relayState: logout.relayState, until: logout.expiresAt)
    }

    public func takePendingLogout(relayState: String) async throws -> PendingLogout? {
        let logout = try await takeOneTime(PendingLogout.self, from: "pending_logouts", relayState: relayState)
        return logout.flatMap { $0.expiresAt > clock.now ? $0 : nil }
    }

    /// Keeps `record` in `table` (pending logins or logouts) under the hash of its RelayState.
    private func saveOneTime(_ record: some Encodable, in table: String, relayState: String, until expiry: Date) async throws {
        let payload = try JSONEncoder().encode(record)
        let key = SessionID.hash(relayState)
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO \(table) (relay_state_hash, record, expires_at) VALUES (?, ?, ?)",
                arguments: [key, payload, expiry.timeIntervalSince1970]
            )
        }
    }

    /// The record `table` keeps for this RelayState, removed in the same write transaction
    /// that reads it, so two answers racing take it once.
    private func takeOneTime<Record: Decodable>(_ type: Record.Type, from table: String, relayState: String) async throws
        -> Record?
    {
        let key = SessionID.hash(relayState)
        let payload = try await pool.write { db -> Data? in
            let data = try Data.fetchOne(db, sql: "SELECT record FROM \(table) WHERE relay_state_hash = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM \(table) WHERE relay_state_hash = ?", arguments: [key])
            return data
        }
        return try payload.map { try JSONDecoder().decode(type, from: $0) }
    }

    public func recordAssertion(id: String, issuer: String, until expiry: Date) async throws -> Bool {
        let now = clock.now.timeIntervalSince1970
        return try await pool.write { db in try Self.record(assertion: id, issuer: issuer, until: expiry, now: now, in: db) }
    }

    /// One transaction for the ACS: the replay entry and the session commit together, or
    /// neither does.
    public func createSession(identity: SessionIdentity, assertionID: String, until expiry: Date) async throws -> String? {
        let row = NewSession(identity: identity, now: clock.now)
        let now = row.session.createdAt.timeIntervalSince1970
        let created = try await pool.write { db in
            guard try Self.record(assertion: assertionID, issuer: identity.issuer, until: expiry, now: now, in: db) else {
                return false
            }
            try row.insert(in: db)
            return true
        }
        return created ? row.id : nil
    }

    /// Inserts the replay entry; false when a live one exists (a replay).
    private static func record(assertion id: String, issuer: String, until expiry: Date, now: TimeInterval, in db: Database) throws
        -> Bool
    {
        let key = issuer + "\n" + id
        if let known = try Double.fetchOne(
            db.cachedStatement(sql: "SELECT expires_at FROM replay_cache WHERE assertion_key = ?"), arguments: [key]),
            known > now
        {
            return false
        }
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO replay_cache (assertion_key, expires_at) VALUES (?, ?)")
            .execute(arguments: [key, expiry.timeIntervalSince1970])
        return true
    }

    public func purgeExpired() async throws {
        try await purge(sessions: true)
    }

    public func purgeExpiredPendingLogins() async throws {
        try await purge(pendingLogins: true)
    }

    public func purgeExpiredPendingLogouts() async throws {
        try await purge(pendingLogouts: true)
    }

    public func purgeExpiredAssertions() async throws {
        try await purge(assertions: true)
    }

    /// The janitor's sweep in one write transaction.
    public func purgeAllExpired() async throws {
        try await purge(sessions: true, pendingLogins: true, pendingLogouts: true, assertions: true)
    }

    private func purge(sessions: Bool = false, pendingLogins: Bool = false, pendingLogouts: Bool = false, assertions: Bool = false)
        async throws
    {
        let now = clock.now.timeIntervalSince1970
        let (idle, absolute) = (timeouts.idle, timeouts.absolute)
        try await pool.write { db in
            // Written as column-against-bound so that SQLite can use the expiry indexes.
            if sessions {
                try db.execute(
                    sql: "DELETE FROM sessions WHERE last_seen_at <= ? OR created_at <= ?",
                    arguments: [now - idle, now - absolute]
                )
            }
            if pendingLogins {
                try db.execute(sql: "DELETE FROM pending_logins WHERE expires_at <= ?", arguments: [now])
            }
            if pendingLogouts {
                try db.execute(sql: "DELETE FROM pending_logouts WHERE expires_at <= ?", arguments: [now])
            }
            if assertions {
                try db.execute(sql: "DELETE FROM replay_cache WHERE expires_at <= ?", arguments: [now])
            }
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sessions (
                        id_hash TEXT PRIMARY KEY NOT NULL,
                        name_id TEXT NOT NULL,
                        identity BLOB NOT NULL,
                        created_at REAL NOT NULL,
                        last_seen_at REAL NOT NULL
                    );
                    CREATE INDEX sessions_name_id ON sessions (name_id);
                    CREATE TABLE pending_logins (
                        relay_state_hash TEXT PRIMARY KEY NOT NULL,
                        record BLOB NOT NULL,
                        expires_at REAL NOT NULL
                    );
                    CREATE TABLE replay_cache (
                        assertion_key TEXT PRIMARY KEY NOT NULL,
                        expires_at REAL NOT NULL
                    );
                    """
            )
        }
        // The janitor's sweep and count read expiry through these; without them each sweep was
        // a full scan holding the write lock (about a second with a million sessions).
        migrator.registerMigration("v2 expiry indexes") { db in
            try db.execute(
                sql: """
                    CREATE INDEX sessions_last_seen_at ON sessions (last_seen_at);
                    CREATE INDEX sessions_created_at ON sessions (created_at);
                    CREATE INDEX pending_logins_expires_at ON pending_logins (expires_at);
                    CREATE INDEX replay_cache_expires_at ON replay_cache (expires_at);
                    """
            )
        }
        // Revocation selects by IdP + NameID and by IdP + SessionIndex, so both leave the JSON
        // for columns of their own. Rows written before this migration get them from their
        // JSON (AuthnContextClassRef was not kept then, so it stays null for them). NameID
        // leads the user index so that it also serves `sessions revoke --user` without an IdP;
        // the SessionIndex index is partial because many IdPs send none.
        migrator.registerMigration("v3 revocation keys") { db in
            try db.execute(
                sql: """
                    ALTER TABLE sessions ADD COLUMN issuer TEXT NOT NULL DEFAULT '';
                    ALTER TABLE sessions ADD COLUMN session_index TEXT;
                    ALTER TABLE sessions ADD COLUMN authn_context_class_ref TEXT;
                    UPDATE sessions SET
                        issuer = coalesce(json_extract(CAST(identity AS TEXT), '$.issuer'), ''),
                        session_index = json_extract(CAST(identity AS TEXT), '$.sessionIndex')
                    WHERE json_valid(CAST(identity AS TEXT));
                    DROP INDEX sessions_name_id;
                    CREATE INDEX sessions_user ON sessions (name_id, issuer);
                    CREATE INDEX sessions_session_index ON sessions (issuer, session_index) WHERE session_index IS NOT NULL;
                    """
            )
        }
        // SP-initiated Single Logout: the LogoutRequests awaiting their LogoutResponse.
        migrator.registerMigration("v4 pending logouts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE pending_logouts (
                        relay_state_hash TEXT PRIMARY KEY NOT NULL,
                        record BLOB NOT NULL,
                        expires_at REAL NOT NULL
                    );
                    CREATE INDEX pending_logouts_expires_at ON pending_logouts (expires_at);
                    """
            )
        }
        registerProvisioning(in: &migrator)
        // A session's link to its SCIM-provisioned user, so that deprovisioning finds it by the
        // user's id or (for a session from before the user was provisioned) by its match key.
        // Rows written before this migration have no link, as provisioning did not exist then.
        migrator.registerMigration("v5 provisioning link") { db in
            try db.execute(
                sql: """
                    ALTER TABLE sessions ADD COLUMN scim_tenant TEXT;
                    ALTER TABLE sessions ADD COLUMN scim_key TEXT;
                    ALTER TABLE sessions ADD COLUMN scim_user TEXT;
                    CREATE INDEX sessions_scim_key ON sessions (scim_tenant, scim_key) WHERE scim_tenant IS NOT NULL;
                    CREATE INDEX sessions_scim_user ON sessions (scim_tenant, scim_user) WHERE scim_user IS NOT NULL;
                    """
            )
        }
        return migrator
    }
}
