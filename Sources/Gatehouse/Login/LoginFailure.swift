public import HTTPTypes
public import Hummingbird
public import SAML

/// A failed login step, ready for the log, the metrics and the error page.
///
/// Handlers throw it; ``LoginFailureMiddleware`` renders it in one place (page with the
/// request's reference, metric, log line). The HTTP status and the user's sentence follow
/// from ``code`` alone, so every failure with the same code looks the same.
public struct LoginFailure: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    /// The check that failed.
    public var code: Code
    /// Expected vs. received, for the log. Never key material or a whole assertion.
    public var detail: String
    /// The IdP involved, once known, for the log and the metrics. It may be the Issuer of a
    /// response whose signature was never verified, so it never appears on a page.
    public var idp: String?
    /// The registered IdP this login was started with, from the gateway's own records (the
    /// IdP chosen at `login`, or the pending login's): the page may name it.
    public var startedAt: String?

    /// A failure of `code`.
    public init(_ code: Code, detail: String, idp: String? = nil, startedAt: String? = nil) {
        self.code = code
        self.detail = detail
        self.idp = idp
        self.startedAt = startedAt
    }

    /// The failure for a rejected SAML message.
    public init(_ error: SAMLValidationError, startedAt: String? = nil) {
        self.init(.saml(error.code), detail: error.detail, idp: error.issuer, startedAt: startedAt)
    }

    /// A short sentence for the user saying what happened and what to do. A fixed sentence:
    /// never text taken from the request or the response.
    public var userMessage: String { code.userMessage }

    /// The status of the error page.
    public var status: HTTPResponse.Status { code.status }

    public var description: String { "\(code): \(detail)" }

    /// The error page with the request's reference, for a failure that reached the router
    /// without passing ``LoginFailureMiddleware``; that middleware also counts and logs it,
    /// names the IdP and offers the configured login URL.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let page = MessagePage.loginFailed(self, idpName: nil, reference: context.id, retryURL: "/")
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: PageRenderer().render(page))))
    }
}
