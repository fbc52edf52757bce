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
            try db.cachedStatement(
                sql: """
                    INSERT INTO sessions (id_hash, name_id, issuer, session_index, authn_context_class_ref, identity, \
                    created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                session.idHash, identity.nameID, identity.issuer, identity.sessionIndex, identity.authnContextClassRef, payload,
                at, at,
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
        let (condition, arguments): (String, StatementArguments)
        switch selector {
        case .idHash(let hash):
            guard SessionID.isWellFormedHash(hash) else { return 0 }
            (condition, arguments) = ("id_hash = ?", [hash.lowercased()])
        case .user(let nameID, nil):
            (condition, arguments) = ("name_id = ?", [nameID])
        case .user(let nameID, let issuer?):
            (condition, arguments) = ("name_id = ? AND issuer = ?", [nameID, issuer])
        case .sessionIndex(let sessionIndex, let issuer):
            (condition, arguments) = ("issuer = ? AND session_index = ?", [issuer, sessionIndex])
        case .all:
            (condition, arguments) = ("1", [])
        }
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE " + condition, arguments: arguments)
            return db.changesCount
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
        let payload = try JSONEncoder().encode(login)
        let key = SessionID.hash(login.relayState)
        let expiry = login.expiresAt.timeIntervalSince1970
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO pending_logins (relay_state_hash, record, expires_at) VALUES (?, ?, ?)",
                arguments: [key, payload, expiry]
            )
        }
    }

    public func takePendingLogin(relayState: String) async throws -> PendingLogin? {
        let key = SessionID.hash(relayState)
        let payload = try await pool.write { db -> Data? in
            let data = try Data.fetchOne(
                db, sql: "SELECT record FROM pending_logins WHERE relay_state_hash = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM pending_logins WHERE relay_state_hash = ?", arguments: [key])
            return data
        }
        guard let payload else { return nil }
        let login = try JSONDecoder().decode(PendingLogin.self, from: payload)
        return login.expiresAt > clock.now ? login : nil
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
        try await purge(sessions: true, pendingLogins: false, assertions: false)
    }

    public func purgeExpiredPendingLogins() async throws {
        try await purge(sessions: false, pendingLogins: true, assertions: false)
    }

    public func purgeExpiredAssertions() async throws {
        try await purge(sessions: false, pendingLogins: false, assertions: true)
    }

    /// The janitor's sweep in one write transaction.
    public func purgeAllExpired() async throws {
        try await purge(sessions: true, pendingLogins: true, assertions: true)
    }

    private func purge(sessions: Bool, pendingLogins: Bool, assertions: Bool) async throws {
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
        registerProvisioning(in: &migrator)
        return migrator
    }
}
