public import Foundation

/// Remembers assertion IDs until they expire, so each is accepted once (DESIGN.md step 9).
///
/// Persistent implementations (SQLite, PostgreSQL) live in the server; they must make
/// check-and-insert atomic across instances.
public protocol ReplayCache: Sendable {
    /// Records `id` until `expiry`. Returns false if it was already recorded and not yet expired.
    func remember(id: String, until expiry: Date, now: Date) async throws -> Bool
}
