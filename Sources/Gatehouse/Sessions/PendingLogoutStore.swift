/// SP-initiated logouts in flight, keyed by the RelayState sent to the IdP; each is taken at
/// most once, so a LogoutResponse is accepted once.
public protocol PendingLogoutStore: Sendable {
    /// Saves a logout in flight, keyed by its RelayState.
    func savePendingLogout(_ logout: PendingLogout) async throws
    /// Removes and returns the pending logout for `relayState`; nil when unknown, used or expired.
    func takePendingLogout(relayState: String) async throws -> PendingLogout?
    /// Deletes expired pending logouts.
    func purgeExpiredPendingLogouts() async throws
}
