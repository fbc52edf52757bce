public import Foundation

/// The session layer's backend: sessions, pending logins and the replay cache in one place,
/// plus the ACS's combined write.
///
/// The layer is made of three stores, each its own protocol, so a caller asks only for what
/// it uses: ``SessionStore`` (the request path, sign-out, `gatehouse sessions`),
/// ``PendingLoginStore`` (login start and the ACS) and ``AssertionReplayStore`` (the ACS).
/// A backend keeps all three: ``MemorySessionStore`` (one process, tests) and
/// ``SQLiteSessionStore`` (a file, shared by processes). Caching is not a backend's concern:
/// ``CachedSessionStore`` wraps any durable session store and is the only place that keeps
/// decoded sessions, answers the event-loop fast path, coalesces touches and forgets what a
/// delete or revocation ended. The memory store needs no wrapper: it answers
/// ``SessionStore/cachedSession(_:)`` from its own memory.
/// ``SessionStoreFactory`` builds the configured stack. Every backend also keeps provisioned
/// users and groups (``ProvisioningStore``), so SCIM writes land where the sessions they end are.
public protocol SessionStorage: SessionStore, PendingLoginStore, AssertionReplayStore, ProvisioningStore {
    /// Records the assertion (as ``AssertionReplayStore/recordAssertion(id:issuer:until:)``)
    /// and, unless it is a replay, creates the session for `identity`: the ACS's two writes as
    /// one step. Returns the new session ID, or nil (and no session) for a replay.
    func createSession(identity: SessionIdentity, assertionID: String, until expiry: Date) async throws -> String?
    /// Deletes every expired session, pending login and replay entry (the janitor's sweep).
    func purgeAllExpired() async throws
}

extension SessionStorage {
    /// The two steps one after the other; a backend that can do both in one transaction does.
    public func createSession(identity: SessionIdentity, assertionID: String, until expiry: Date) async throws -> String? {
        guard try await recordAssertion(id: assertionID, issuer: identity.issuer, until: expiry) else { return nil }
        return try await create(identity: identity)
    }

    /// The three purges one after the other.
    public func purgeAllExpired() async throws {
        try await purgeExpired()
        try await purgeExpiredPendingLogins()
        try await purgeExpiredAssertions()
    }
}
