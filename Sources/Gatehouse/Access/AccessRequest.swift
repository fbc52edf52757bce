/// The facts about a request that the access policy decides on.
public struct AccessRequest: Sendable, Equatable {
    /// The HTTP method, upper case.
    public var method: String
    /// The request target as received: path and optional query.
    public var target: String
    /// The `Accept` header, if any.
    public var accept: String?
    /// The session's identity, if the request carries a live session.
    public var identity: SessionIdentity?

    /// A request to judge.
    public init(method: String, target: String, accept: String?, identity: SessionIdentity?) {
        self.method = method
        self.target = target
        self.accept = accept
        self.identity = identity
    }

    /// A browser navigation: GET or HEAD that accepts HTML.
    public var isBrowserNavigation: Bool {
        guard method == "GET" || method == "HEAD", let accept else { return false }
        return accept.lowercased().contains("text/html")
    }
}
