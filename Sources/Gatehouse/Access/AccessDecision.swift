/// What to do with a request, decided by ``AccessPolicy``.
public enum AccessDecision: Sendable, Equatable {
    /// A target that cannot be read one way only: answer 400.
    case badRequest(PathRefusal)
    /// A public path: forward it without identity headers.
    case allowPublic
    /// A signed-in user who meets the rules: forward with identity headers.
    case allow
    /// A browser without a session: send it to login, then back to `returnPath`.
    case redirectToLogin(returnPath: String)
    /// A non-browser client without a session: answer 401 with a JSON body.
    case unauthenticated
    /// A signed-in user who misses a requirement: answer 403 naming it.
    case forbidden(rulePrefix: String, requirement: String)
    /// A signed-in browser whose login lacks the authentication context a rule requires:
    /// send it through a step-up login, then back to `returnPath`.
    case stepUp(returnPath: String)
}
