public import Foundation

/// A process-local ``ReplayCache`` for tests and single-instance deployments.
public actor InMemoryReplayCache: ReplayCache {
    private var entries: [String: Date] = [:]
    private var insertions = 0

    /// An empty cache.
    public init() {}

    /// Records `id` until `expiry`; false if it is already present and unexpired.
    public func remember(id: String, until expiry: Date, now: Date) -> Bool {
        insertions += 1
        if insertions % 256 == 0 { entries = entries.filter { $0.value > now } }
        if let existing = entries[id], existing > now { return false }
        entries[id] = expiry
        return true
    }

    /// How many IDs are held (expired ones may linger until the next sweep).
    public var count: Int { entries.count }
}
