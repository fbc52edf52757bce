/// What an authentic LogoutResponse from the IdP says about our SP-initiated logout.
///
/// The local session is ended before the request is sent, so every outcome leaves the user
/// signed out here; the outcome says what to tell them about the other applications.
public struct LogoutResult: Sendable, Equatable {
    /// The three things the gateway can show.
    public enum Outcome: String, Sendable {
        /// Success: signed out at the IdP and, through it, everywhere.
        case signedOut
        /// PartialLogout second-level status (under Success or Responder): the IdP ended its
        /// session but could not reach every other application.
        case partiallySignedOut
        /// Any other status: the IdP did not confirm the logout; the user should close the
        /// browser to be sure.
        case failed
    }

    /// What to show.
    public var outcome: Outcome
    /// The validated response, for the log (status codes and message).
    public var response: LogoutResponse

    /// Classifies `response` by its status codes (Core §3.2.2.2).
    public init(response: LogoutResponse) {
        self.response = response
        let top = response.statusCode
        if response.subStatusCode == SAMLNamespace.statusPartialLogout,
            top == SAMLNamespace.statusSuccess || top == SAMLNamespace.statusResponder
        {
            outcome = .partiallySignedOut
        } else if top == SAMLNamespace.statusSuccess {
            outcome = .signedOut
        } else {
            outcome = .failed
        }
    }
}
