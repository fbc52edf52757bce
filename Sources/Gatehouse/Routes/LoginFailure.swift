/// A failed login step, ready for the log, the metrics and the error page.
public struct LoginFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code naming the failed check (SAML codes such as `audienceMismatch`, or
    /// Gatehouse's own: `unknownRelayState`, `browserMismatch`, `unsolicited`, `replayed`,
    /// `unknownIdP`, `malformedRequest`). Used as a metric label and log field.
    public var code: String
    /// Expected vs. received, for the log. Never key material or a whole assertion.
    public var detail: String
    /// A short sentence for the user saying what happened and what to do. A fixed sentence:
    /// never text taken from the request or the response.
    public var userMessage: String
    /// The IdP involved, once known, for the log and the metrics. It may be the Issuer of a
    /// response whose signature was never verified, so it never appears on a page.
    public var idp: String?

    /// A failure.
    public init(code: String, detail: String, userMessage: String, idp: String? = nil) {
        self.code = code
        self.detail = detail
        self.userMessage = userMessage
        self.idp = idp
    }

    public var description: String { "\(code): \(detail)" }
}
