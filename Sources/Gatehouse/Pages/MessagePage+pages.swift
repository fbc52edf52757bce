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
