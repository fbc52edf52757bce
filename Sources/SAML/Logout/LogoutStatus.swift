/// How we answer an IdP's LogoutRequest (Profiles §4.4.3.4, Core §3.2.2.2).
public enum LogoutStatus: Sendable, Equatable {
    /// Every session the request named (or none was found, which also ends it) is gone.
    case success
    /// Some sessions could not be ended: Success with the PartialLogout second-level code.
    case partialLogout
    /// The request itself was unacceptable (Requester).
    case requester(message: String?)
    /// We could not carry the request out, e.g. the session store failed (Responder).
    case responder(message: String?)

    /// Top-level code, second-level code and message.
    var codes: (top: String, second: String?, message: String?) {
        switch self {
        case .success: (SAMLNamespace.statusSuccess, nil, nil)
        case .partialLogout: (SAMLNamespace.statusSuccess, SAMLNamespace.statusPartialLogout, nil)
        case .requester(let message): (SAMLNamespace.statusRequester, nil, message)
        case .responder(let message): (SAMLNamespace.statusResponder, nil, message)
        }
    }
}
