/// Opens the session store the configuration names.
public enum SessionStoreFactory {
    /// The store for `settings`; throws a ``SessionStoreError`` that says what to do.
    public static func make(_ settings: SessionSettings, clock: any WallClock = SystemWallClock()) throws(SessionStoreError)
        -> any SessionStore
    {
        switch settings.store {
        case .memory:
            return MemorySessionStore(timeouts: settings.timeouts, clock: clock)
        case .sqlite:
            return try SQLiteSessionStore(path: settings.path, timeouts: settings.timeouts, clock: clock)
        }
    }
}
