public import HTTPTypes
public import Hummingbird

/// Why the development IdP refused a request. Thrown by its routes, it renders its own page.
public struct DevelopmentIdPError: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong with the request.
    public enum Code: String, Sendable, CaseIterable {
        /// The SAMLRequest is not a DEFLATE-compressed, base64 message.
        case undecodableRequest
        /// The AuthnRequest is not well-formed XML.
        case malformedRequest
        /// The message is not an AuthnRequest with an ID and an Issuer.
        case notAnAuthnRequest
        /// The request asks for an ACS other than the gateway's own.
        case foreignConsumer
        /// The sign-in form named no user.
        case noUser
    }

    /// What was wrong.
    public var code: Code
    /// Specifics for the developer reading the page (this IdP is never used in production).
    public var detail: String?

    /// A refusal of `code`.
    public init(_ code: Code, detail: String? = nil) {
        self.code = code
        self.detail = detail
    }

    /// The sentence for the page.
    public var message: String {
        switch code {
        case .undecodableRequest: "The SAMLRequest could not be decoded."
        case .malformedRequest: "The AuthnRequest is not valid XML."
        case .notAnAuthnRequest: "The message is not an AuthnRequest with an ID and an Issuer."
        case .foreignConsumer: "The request asks for another application's ACS; this IdP only answers its own gateway."
        case .noUser: "Choose a user, or type a user name."
        }
    }

    /// The status of the page.
    public var status: HTTPResponse.Status {
        switch code {
        case .undecodableRequest, .malformedRequest, .notAnAuthnRequest, .foreignConsumer, .noUser: .badRequest
        }
    }

    public var description: String { detail.map { "\(message) (\($0))" } ?? message }

    /// The development IdP's problem page.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        DevelopmentIdP.html(DevelopmentIdPPage.problem(description), status: status)
    }
}
