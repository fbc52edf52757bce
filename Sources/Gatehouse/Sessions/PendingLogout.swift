public import Foundation

/// An SP-initiated Single Logout in flight: the LogoutRequest we sent, to which IdP, and
/// where the browser goes once the IdP answers.
///
/// Keyed by the opaque RelayState sent with the request. The local session is already gone
/// when this is saved; the record only decides which answer is accepted, and what to show.
public struct PendingLogout: Sendable, Codable, Equatable {
    /// The RelayState sent with the LogoutRequest (random, opaque).
    public var relayState: String
    /// The LogoutRequest ID, which the LogoutResponse's InResponseTo must equal.
    public var requestID: String
    /// The IdP the request went to: only its signed answer is accepted.
    public var idpEntityID: String
    /// The same-origin path to send the browser to after a complete logout; nil shows the
    /// "signed out" page.
    public var returnPath: String?
    /// After this instant the record is void.
    public var expiresAt: Date

    /// A pending-logout record.
    public init(relayState: String, requestID: String, idpEntityID: String, returnPath: String?, expiresAt: Date) {
        self.relayState = relayState
        self.requestID = requestID
        self.idpEntityID = idpEntityID
        self.returnPath = returnPath
        self.expiresAt = expiresAt
    }
}
