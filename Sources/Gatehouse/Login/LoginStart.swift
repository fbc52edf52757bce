/// The result of starting a login: what to remember and where to send the browser.
public struct LoginStart: Sendable, Equatable {
    /// The AuthnRequest ID; the response's InResponseTo must equal it.
    public var requestID: String
    /// The IdP URL with the encoded request and RelayState.
    public var redirectURL: String

    /// A login start.
    public init(requestID: String, redirectURL: String) {
        self.requestID = requestID
        self.redirectURL = redirectURL
    }
}
