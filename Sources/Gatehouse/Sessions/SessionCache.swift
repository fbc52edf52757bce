import Foundation
import Synchronization

/// The entries of ``CachedSessionStore``: sessions this process read or wrote in the last few
/// seconds, decoded, keyed by ID hash.
///
/// The owner removes an entry whenever it deletes, revokes or purges the session, so in this
/// process a logout or revocation takes effect at once; a deletion made by another process
/// sharing the database is seen within ``lifetime``.
final class SessionCache: Sendable {
    /// How long an entry is trusted without asking the database again.
    let lifetime: TimeInterval
    /// Most entries kept; past it, stale entries go first, then all.
    let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var entries: [String: Entry] = [:]
        /// Bumped by every removal: a read that started before one must not re-insert what it
        /// removed (a logout racing a request of the same session).
        var generation: UInt64 = 0
    }

    private struct Entry {
        var session: Session
        var cachedAt: Date
    }

    init(lifetime: TimeInterval, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    var isEnabled: Bool { lifetime > 0 && capacity > 0 }

    /// The cached session, if cached within ``lifetime`` of `now`. The caller still checks expiry.
    func session(_ idHash: String, now: Date) -> Session? {
        guard isEnabled else { return nil }
        return state.withLock { state in
            guard let entry = state.entries[idHash] else { return nil }
            guard now.timeIntervalSince(entry.cachedAt) < lifetime, now >= entry.cachedAt else {
                state.entries[idHash] = nil
                return nil
            }
            return entry.session
        }
    }

    /// The removal count now; pass it to ``store(_:now:ifUnchangedSince:)`` after a read.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Caches `session`, unless something was removed since `generation` (when given).
    func store(_ session: Session, now: Date, ifUnchangedSince generation: UInt64? = nil) {
        guard isEnabled else { return }
        state.withLock { state in
            if let generation, generation != state.generation { return }
            if state.entries.count >= capacity, state.entries[session.idHash] == nil {
                state.entries = state.entries.filter { now.timeIntervalSince($0.value.cachedAt) < lifetime }
                if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[session.idHash] = Entry(session: session, cachedAt: now)
        }
    }

    /// Records a touch made through the owner, keeping the entry's age.
    func touched(_ idHash: String, at now: Date) {
        guard isEnabled else { return }
        state.withLock { state in state.entries[idHash]?.session.lastSeenAt = now }
    }

    /// Claims the write of a use at `now`: false when the entry already shows a use at most
    /// `interval` ago (another request claimed it), else records the use in the entry and
    /// returns true.
    func claimTouch(_ idHash: String, at now: Date, unlessWithin interval: TimeInterval) -> Bool {
        guard isEnabled else { return true }
        return state.withLock { state in
            guard let entry = state.entries[idHash] else { return true }
            guard now.timeIntervalSince(entry.session.lastSeenAt) > interval else { return false }
            state.entries[idHash]?.session.lastSeenAt = now
            return true
        }
    }

    func remove(_ idHash: String) {
        state.withLock { state in
            state.generation &+= 1
            state.entries[idHash] = nil
        }
    }

    /// Removes every entry `selector` names (a revocation made through the owner).
    func remove(_ selector: SessionSelector) {
        state.withLock { state in
            state.generation &+= 1
            state.entries = state.entries.filter { hash, entry in
                let identity = entry.session.identity
                return !selector.matches(
                    idHash: hash, nameID: identity.nameID, issuer: identity.issuer, sessionIndex: identity.sessionIndex,
                    link: identity.provisioning)
            }
        }
    }

    func removeAll() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
        }
    }
}
