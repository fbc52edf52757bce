public import Foundation

/// A process-local ``ReplayCache`` for tests and single-instance deployments.
public actor InMemoryReplayCache: ReplayCache {
    private var entries: [String: Date] = [:]
    /// Expired entries are swept when the table reaches this size, then it is set to twice what
    /// survived: the sweep costs O(1) per insertion on average and the table stays within
    /// twice the live entries. (Sweeping every 256 insertions cost O(n) each time: at a login
    /// storm's 2,000/s, with five minutes of live assertions, that was 600,000 visits.)
    private var sweepAt = 1024

    /// An empty cache.
    public init() {}

    /// Records `id` until `expiry`; false if it is already present and unexpired.
    public func remember(id: String, until expiry: Date, now: Date) -> Bool {
        if entries.count >= sweepAt {
            entries = entries.filter { $0.value > now }
            sweepAt = max(1024, entries.count * 2)
        }
        if let existing = entries[id], existing > now { return false }
        entries[id] = expiry
        return true
    }

    /// How many IDs are held (expired ones may linger until the next sweep).
    public var count: Int { entries.count }
}
