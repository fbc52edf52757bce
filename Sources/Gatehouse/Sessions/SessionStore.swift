public import Foundation

/// Server-side sessions: create, read, use, end.
///
/// Implementations own their timeouts and clock. IDs passed in are the raw cookie values;
/// stores keep only their SHA-256 (``SessionID/hash(_:)``). Pending logins and the replay
/// cache have stores of their own (``PendingLoginStore``, ``AssertionReplayStore``);
/// ``SessionStorage`` is a backend that keeps all three.
public protocol SessionStore: Sendable {
    /// The timeouts this store enforces.
    var timeouts: SessionTimeouts { get }
    /// The time source the timeouts are measured by.
    var clock: any WallClock { get }
    /// Creates a session for `identity` and returns its new ID, for the cookie.
    func create(identity: SessionIdentity) async throws -> String
    /// The live session with this ID; nil when unknown or timed out (timed-out ones are removed).
    func get(_ id: String) async throws -> Session?
    /// Marks the session as used now, which pushes back its idle timeout.
    func touch(_ id: String) async throws
    /// Ends one session (logout: the caller holds the cookie).
    func delete(_ id: String) async throws
    /// Ends every session `selector` names and returns how many it removed. The next request
    /// of an ended session is refused on every route of this process, even one answered from
    /// ``cachedSession(_:)``; processes sharing a SQLite file see it within the lifetime of
    /// their ``CachedSessionStore``.
    @discardableResult func revoke(_ selector: SessionSelector) async throws -> Int
    /// Links every session `selector` names that has a ``ProvisioningLink`` to provisioned
    /// user `userID` and sets its SCIM groups to `groups`; returns how many it changed.
    /// Sessions without a link (provisioning was off at their login) are left alone. The next
    /// request of a changed session sees the new groups on every route of this process;
    /// processes sharing a SQLite file see them within the lifetime of their
    /// ``CachedSessionStore``, as with ``revoke(_:)``.
    @discardableResult func updateProvisioning(_ selector: SessionSelector, userID: String, groups: [String]) async throws -> Int
    /// The live sessions, oldest first; `nameID` and `issuer`, when given, must match exactly.
    func list(nameID: String?, issuer: String?) async throws -> [SessionSummary]
    /// The number of live sessions.
    func count() async throws -> Int
    /// Deletes expired sessions.
    func purgeExpired() async throws
    /// The live session with this ID when the store can answer at once from memory, without
    /// waiting on I/O; nil means "ask ``get(_:)``" (unknown, expired or not in memory).
    /// The gateway's event-loop fast path uses it; a deleted or revoked session must never
    /// come back here.
    func cachedSession(_ id: String) -> Session?
    /// True when the caller should record a use of `session` (read from this store) with
    /// ``touch(_:)`` now. Uses are written at most once per ``SessionTimeouts/touchInterval``:
    /// writing on every request would make the store the bottleneck. Never waits; the
    /// event-loop fast path asks it for every request it forwards.
    func shouldTouch(_ session: Session) -> Bool
}

extension SessionStore {
    /// Stores without a memory copy always send the caller to ``get(_:)``.
    public func cachedSession(_ id: String) -> Session? { nil }

    /// Due when the session's last recorded use is older than the touch interval.
    public func shouldTouch(_ session: Session) -> Bool {
        session.isTouchDue(at: clock.now, timeouts: timeouts)
    }
}
