import GRDB

extension SQLiteSessionStore {
    /// Creates the file at `path` as an older Gatehouse left it: migrated only up to
    /// `lastMigration`, then `sql` run on it (rows in that version's shape). Tests use it to
    /// show that existing session files keep working after a new migration.
    static func createFile(path: String, migratedUpTo lastMigration: String, then sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try migrator.migrate(queue, upTo: lastMigration)
        try queue.write { db in try db.execute(sql: sql) }
        try queue.close()
    }
}
