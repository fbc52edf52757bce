import Foundation

/// What `gatehouse sessions` does: lists and revokes sessions in the store the configuration
/// names, from a process other than the running gateway.
///
/// A gateway on the same SQLite file honours a revocation within its session cache lifetime
/// (``SessionStoreFactory/cacheLifetime``).
public struct SessionAdmin: Sendable {
    /// Why the command cannot run: exit 2 with this sentence.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What went wrong and what to do.
        public var message: String
        init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    private let store: any SessionStore

    /// Opens the store `settings` names. The memory store lives inside the gateway's own
    /// process, out of reach of any other: that is a failure that says so.
    public init(settings: SessionSettings) throws(Failure) {
        switch settings.store {
        case .memory:
            throw Failure(
                "session.store is memory: the sessions live in the running gateway's own memory, which this command "
                    + "cannot reach. Restart the gateway to end every session, or use session.store: sqlite.")
        case .sqlite:
            // Opening would create an empty database: a mistyped path must not look like "no sessions".
            guard FileManager.default.fileExists(atPath: settings.path) else {
                throw Failure(
                    "there is no session database at \(settings.path) (session.path); run this with the gateway's "
                        + "configuration, from the folder the gateway runs in.")
            }
            do {
                // No cache: this process reads each session at most once.
                store = try SQLiteSessionStore(path: settings.path, timeouts: settings.timeouts)
            } catch {
                throw Failure(error.message)
            }
        }
    }

    /// Works on `store` directly (tests, or a caller that already holds the store).
    public init(store: any SessionStore) {
        self.store = store
    }

    /// The live sessions, oldest first, optionally only those of one NameID and/or IdP.
    public func list(nameID: String? = nil, issuer: String? = nil) async throws -> [SessionSummary] {
        try await store.list(nameID: nameID, issuer: issuer)
    }

    /// Ends the sessions `selector` names; returns how many ended.
    public func revoke(_ selector: SessionSelector) async throws -> Int {
        try await store.revoke(selector)
    }

    /// The selector for `sessions revoke`'s options: exactly one of `--user` (with an optional
    /// `--idp`), `--session-hash`, `--idp` with `--session-index`, or `--all`.
    public static func selector(
        user: String?, idp: String?, sessionHash: String?, sessionIndex: String?, all: Bool
    ) throws(Failure) -> SessionSelector {
        let usage =
            "say which sessions to revoke with exactly one of: --user NAMEID [--idp ENTITYID], --session-hash HASH, "
            + "--idp ENTITYID --session-index INDEX, --all"
        switch (user, idp, sessionHash, sessionIndex, all) {
        case (let user?, let idp, nil, nil, false):
            return .user(nameID: user, issuer: idp)
        case (nil, nil, let hash?, nil, false):
            guard SessionID.isWellFormedHash(hash) else {
                throw Failure("--session-hash takes the 64 hex digits `gatehouse sessions list` shows, not a cookie value")
            }
            return .idHash(hash)
        case (nil, let idp?, nil, let index?, false):
            return .sessionIndex(index, issuer: idp)
        case (nil, nil, nil, .some, false):
            throw Failure("--session-index needs --idp: a SessionIndex is only unique within one IdP")
        case (nil, nil, nil, nil, true):
            return .all
        default:
            throw Failure(usage)
        }
    }

    /// What `sessions revoke` prints.
    public static func revokedLine(_ count: Int) -> String {
        "revoked \(count) session(s)"
    }

    /// `sessions` as a plain table, one line per session, columns aligned; values from the
    /// IdP have control characters escaped, so a NameID cannot forge a line.
    public static func table(_ sessions: [SessionSummary]) -> String {
        guard !sessions.isEmpty else { return "no sessions" }
        let header = ["SESSION HASH", "IDP", "NAMEID", "SESSION INDEX", "CREATED", "LAST SEEN"]
        let rows =
            [header]
            + sessions.map { session in
                [
                    session.idHash, printable(session.issuer), printable(session.nameID),
                    session.sessionIndex.map(printable) ?? "-", timestamp(session.createdAt), timestamp(session.lastSeenAt),
                ]
            }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, value in
                column == row.count - 1 ? value : value.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    private static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
