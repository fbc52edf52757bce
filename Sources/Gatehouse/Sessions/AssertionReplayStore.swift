public import Foundation

/// The assertions already consumed, each until it expires, keyed by IdP + assertion ID: the
/// durable replay check that survives restarts and is shared by every process on the backend.
///
/// SAML's in-process `ReplayCache` is a fast first layer in front of it; this store is the
/// one that decides.
public protocol AssertionReplayStore: Sendable {
    /// Remembers an assertion until `expiry`; returns false if it was already seen (a replay).
    func recordAssertion(id: String, issuer: String, until expiry: Date) async throws -> Bool
    /// Deletes replay entries whose assertions have expired.
    func purgeExpiredAssertions() async throws
}
