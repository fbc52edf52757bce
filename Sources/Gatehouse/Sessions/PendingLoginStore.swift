/// Logins in flight, keyed by the RelayState sent to the IdP; each is taken at most once.
public protocol PendingLoginStore: Sendable {
    /// Saves a login in flight, keyed by its RelayState.
    func savePendingLogin(_ login: PendingLogin) async throws
    /// Removes and returns the pending login for `relayState`; nil when unknown or expired.
    func takePendingLogin(relayState: String) async throws -> PendingLogin?
    /// Deletes expired pending logins.
    func purgeExpiredPendingLogins() async throws
}
