extension MessagePage {
    /// A signed-in user who lacks a requirement.
    public static func accessDenied(requirement: String, user: String, reference: String) -> Self {
        MessagePage(
            title: "Access denied",
            heading: "You do not have access to this page",
            message: "You are signed in as \(user), but this page requires \(requirement).",
            advice: "Ask your administrator for access, or sign in with another account.",
            reference: reference
        )
    }

    /// Asks before signing out. Signing out changes state, so it takes a form post: a link or
    /// an image on another site must not be able to end the session.
    public static func confirmLogout(logoutURL: String) -> Self {
        MessagePage(
            title: "Sign out",
            heading: "Sign out?",
            message: "Your session here will end.",
            action: .init(label: "Sign out", url: logoutURL, method: .post)
        )
    }

    /// A sign-out request that did not come from this site's own pages.
    public static func logoutRefused(logoutURL: String, reference: String) -> Self {
        MessagePage(
            title: "Sign-out refused",
            heading: "Sign-out refused",
            message: "The sign-out request did not come from this site, so your session was kept.",
            advice: "To sign out, use the button below.",
            action: .init(label: "Sign out", url: logoutURL, method: .post),
            check: "crossOriginLogout",
            reference: reference
        )
    }

    /// After logout.
    public static func loggedOut(loginURL: String) -> Self {
        MessagePage(
            title: "Signed out",
            heading: "You are signed out",
            message: "Your session here has ended.",
            advice: "You may still be signed in at your identity provider; close the browser to end that session too.",
            action: .init(label: "Sign in again", url: loginURL)
        )
    }

    /// The application behind the gateway failed to answer.
    public static func upstreamFailed(_ failure: ProxyFailure, reference: String) -> Self {
        let message: String
        switch failure {
        case .timeout: message = "The application took too long to answer."
        case .unreachable: message = "The application could not be reached."
        }
        return MessagePage(
            title: failure.status == 504 ? "Gateway timeout" : "Bad gateway",
            heading: "The application is not responding",
            message: message,
            advice: "Wait a moment and reload the page. If this persists, contact your administrator.",
            reference: reference
        )
    }
}

extension MessagePage {
    /// A Single Logout message that failed a check: nothing was signed out.
    public static func singleLogoutRefused(reference: String) -> Self {
        MessagePage(
            title: "Sign-out refused",
            heading: "Sign-out refused",
            message: "The sign-out message from the identity provider could not be verified, so no session was ended.",
            advice: "If you meant to sign out, sign out again from the application or the identity provider.",
            check: "singleLogoutRefused",
            reference: reference
        )
    }

    /// The identity provider's answer to our LogoutRequest failed a check. The session here
    /// ended before the request was sent; only the identity provider's part is unknown.
    public static func logoutResponseRefused(loginURL: String, reference: String) -> Self {
        MessagePage(
            title: "Sign-out not confirmed",
            heading: "Sign-out could not be confirmed",
            message:
                "Your session here has ended, but the identity provider's answer could not be verified, so other sessions may remain.",
            advice: "Close the browser to end any session that remains. If this keeps happening, contact your administrator.",
            action: .init(label: "Sign in again", url: loginURL),
            check: "logoutResponseRefused",
            reference: reference
        )
    }

    /// After Single Logout, when the identity provider has signed the user out everywhere (or
    /// has asked us to end our session and takes no answer).
    public static func signedOutEverywhere(loginURL: String) -> Self {
        MessagePage(
            title: "Signed out",
            heading: "You are signed out",
            message: "Your session here and at your identity provider has ended.",
            action: .init(label: "Sign in again", url: loginURL)
        )
    }

    /// After Single Logout that the identity provider could not complete everywhere.
    public static func signedOutPartially(loginURL: String) -> Self {
        MessagePage(
            title: "Signed out here",
            heading: "You are signed out here",
            message: "Your session here has ended, but the identity provider did not end every session.",
            advice: "Close the browser to end the sessions that remain.",
            action: .init(label: "Sign in again", url: loginURL)
        )
    }
}
