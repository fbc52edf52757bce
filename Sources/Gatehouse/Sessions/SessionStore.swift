public import Foundation

/// Server-side sessions, pending logins and the assertion replay cache.
///
/// Implementations own their timeouts and clock. IDs passed in are the raw cookie values;
/// stores keep only their SHA-256 (``SessionID/hash(_:)``).
public protocol SessionStore: Sendable {
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
    /// ``cachedSession(_:)``; processes sharing a SQLite file see it within its cache lifetime.
    @discardableResult func revoke(_ selector: SessionSelector) async throws -> Int
    /// The live sessions, oldest first; `nameID` and `issuer`, when given, must match exactly.
    func list(nameID: String?, issuer: String?) async throws -> [SessionSummary]
    /// The number of live sessions.
    func count() async throws -> Int
    /// Saves a login in flight, keyed by its RelayState.
    func savePendingLogin(_ login: PendingLogin) async throws
    /// Removes and returns the pending login for `relayState`; nil when unknown or expired.
    func takePendingLogin(relayState: String) async throws -> PendingLogin?
    /// Remembers an assertion until `expiry`; returns false if it was already seen (a replay).
    func recordAssertion(id: String, issuer: String, until expiry: Date) async throws -> Bool
    /// Deletes expired sessions, pending logins and replay entries.
    func purgeExpired() async throws
    /// Records the assertion (as ``recordAssertion(id:issuer:until:)``) and, unless it is a
    /// replay, creates the session for `identity`: the ACS's two writes as one step.
    /// Returns the new session ID, or nil (and no session) for a replay.
    func createSession(identity: SessionIdentity, assertionID: String, until expiry: Date) async throws -> String?
    /// The live session with this ID when the store can answer at once from memory, without
    /// waiting on I/O; nil means "ask ``get(_:)``" (unknown, expired or not in memory).
    /// The gateway's event-loop fast path uses it; a deleted session must never come back here.
    func cachedSession(_ id: String) -> Session?
}

extension SessionStore {
    /// Stores without a memory copy always send the caller to ``get(_:)``.
    public func cachedSession(_ id: String) -> Session? { nil }

    /// The two steps one after the other; a store that can do both in one transaction does.
    public func createSession(identity: SessionIdentity, assertionID: String, until expiry: Date) async throws -> String? {
        guard try await recordAssertion(id: assertionID, issuer: identity.issuer, until: expiry) else { return nil }
        return try await create(identity: identity)
    }
}
