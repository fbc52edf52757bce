extension MessagePage {
    /// A login that did not complete: the sentence for its code, the code and the reference.
    ///
    /// `idpName` must come from this gateway's own configuration (the IdP the login was
    /// started with), never from the response: text in a response whose signature did not
    /// verify is the attacker's, and a page that quotes it lends it the site's voice.
    public static func loginFailed(_ failure: LoginFailure, idpName: String?, reference: String, retryURL: String) -> Self {
        MessagePage(
            title: "Sign-in failed",
            heading: "We could not sign you in",
            message: failure.userMessage,
            advice: "Try signing in again. If it keeps failing, contact your administrator"
                + (idpName.map { " and mention \($0)" } ?? "") + ".",
            action: .init(label: "Sign in again", url: retryURL),
            check: failure.code.name,
            reference: reference
        )
    }
}
