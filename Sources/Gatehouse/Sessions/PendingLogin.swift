public import Foundation

/// A login in flight: what we asked the IdP, and where the browser goes afterwards.
///
/// Keyed by the opaque RelayState; `browserBindingHash` ties it to the pending-login cookie.
public struct PendingLogin: Sendable, Codable, Equatable {
    /// The RelayState sent to the IdP (random, opaque).
    public var relayState: String
    /// The AuthnRequest ID, which the response's InResponseTo must equal.
    public var requestID: String
    /// The IdP the request went to.
    public var idpEntityID: String
    /// The same-origin path (with query) to land on after login.
    public var returnPath: String
    /// SHA-256 of the pending-login cookie value set on the browser that started the login.
    public var browserBindingHash: String
    /// After this instant the record is void.
    public var expiresAt: Date

    /// A pending-login record.
    public init(
        relayState: String,
        requestID: String,
        idpEntityID: String,
        returnPath: String,
        browserBindingHash: String,
        expiresAt: Date
    ) {
        self.relayState = relayState
        self.requestID = requestID
        self.idpEntityID = idpEntityID
        self.returnPath = returnPath
        self.browserBindingHash = browserBindingHash
        self.expiresAt = expiresAt
    }
}
