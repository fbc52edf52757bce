public import Foundation

/// Opens the session storage the configuration names, cache included.
public enum SessionStoreFactory {
    /// How long the gateway trusts a session it read from a shared file: a session revoked by
    /// another process (`gatehouse sessions revoke`) is refused at most this long after.
    public static let cacheLifetime: TimeInterval = 2

    /// The storage for `settings`: the memory store as it is (it is its own cache), the SQLite
    /// store behind a ``CachedSessionStore`` of ``cacheLifetime``. Throws a
    /// ``SessionStoreError`` that says what to do.
    public static func make(_ settings: SessionSettings, clock: any WallClock = SystemWallClock()) throws(SessionStoreError)
        -> any SessionStorage
    {
        switch settings.store {
        case .memory:
            return MemorySessionStore(timeouts: settings.timeouts, clock: clock)
        case .sqlite:
            let file = try SQLiteSessionStore(path: settings.path, timeouts: settings.timeouts, clock: clock)
            return CachedSessionStore(wrapping: file, lifetime: cacheLifetime)
        }
    }
}
