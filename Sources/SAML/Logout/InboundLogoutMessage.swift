public import XMLSecurity

/// A LogoutRequest or LogoutResponse as it arrived at one of our SLO endpoints: decoded and
/// parsed safely, nothing in it trusted yet. ``LogoutValidator`` checks it.
public struct InboundLogoutMessage: Sendable {
    /// The binding it arrived by; what answers it uses the same one where the IdP allows.
    public enum Binding: String, Sendable {
        /// HTTP-Redirect (Bindings §3.4): the signature covers the query string.
        case httpRedirect
        /// HTTP-POST (Bindings §3.5): an enveloped signature.
        case httpPOST
        /// SOAP (Bindings §3.2), the back channel: an enveloped signature.
        case soap
    }

    /// The binding it arrived by.
    public let binding: Binding
    /// Whether it is a request (`SAMLRequest`) or a response (`SAMLResponse`).
    public let kind: HTTPRedirectBinding.Parameter
    /// RelayState as sent; for a response, the key to our pending logout. Untrusted.
    public let relayState: String?
    /// The protocol message element (the document root, or the SOAP Body's child).
    let element: XMLElement
    /// The detached signature of an HTTP-Redirect message.
    let redirect: RedirectMessage?

    /// The Issuer the message names, unverified: only for choosing whose policy and keys
    /// ``LogoutValidator`` checks it with, never for a decision of its own.
    public var claimedIssuer: String? { LogoutRequest.issuer(of: element) }

    /// The query string (no leading `?`) of a GET to the SLO endpoint, exactly as received:
    /// its signature covers these octets (§3.4.4.1), so it must not be decoded or re-encoded first.
    public init(redirectQuery query: String, limits: ParseLimits = ParseLimits()) throws(SAMLValidationError) {
        let redirect = try RedirectMessage(query: query, maxSize: limits.maxBytes)
        binding = .httpRedirect
        kind = redirect.parameter
        relayState = redirect.relayState
        element = try Self.parse(redirect.xml, limits: limits)
        self.redirect = redirect
    }

    /// The fields of a POST to the SLO endpoint (see ``HTTPPostBinding/formFields(_:)``).
    public init(postForm fields: [String: String], limits: ParseLimits = ParseLimits()) throws(SAMLValidationError) {
        let value: String
        switch (fields[HTTPRedirectBinding.Parameter.request.rawValue], fields[HTTPRedirectBinding.Parameter.response.rawValue]) {
        case (let request?, nil):
            kind = .request
            value = request
        case (nil, let response?):
            kind = .response
            value = response
        default:
            throw SAMLValidationError(code: .malformed, detail: "expected exactly one of SAMLRequest and SAMLResponse in the form")
        }
        guard value.utf8.count <= limits.maxBytes / 3 * 4 + 4096 else {
            throw SAMLValidationError(
                code: .tooLarge, detail: "posted message is \(value.utf8.count) bytes; the limit is \(limits.maxBytes) decoded")
        }
        guard let xml = Base64Text.decode(value), !xml.isEmpty else {
            throw SAMLValidationError(code: .malformed, detail: "\(kind.rawValue) is not base64")
        }
        binding = .httpPOST
        relayState = fields["RelayState"]
        element = try Self.parse(xml, limits: limits)
        redirect = nil
    }

    /// The body of a POST to the SOAP endpoint: a SOAP 1.1 envelope carrying one SAML message.
    /// A broken envelope is a SOAP fault, to be sent back as it is (Bindings §3.2.3).
    public init(soapEnvelope bytes: [UInt8], limits: ParseLimits = ParseLimits()) throws(SOAPFault) {
        element = try SOAPBinding.message(in: bytes, limits: limits)
        switch element.localName {
        case "LogoutResponse": kind = .response
        default: kind = .request
        }
        binding = .soap
        relayState = nil
        redirect = nil
    }

    private static func parse(_ xml: [UInt8], limits: ParseLimits) throws(SAMLValidationError) -> XMLElement {
        do {
            return try XMLDocument(parsing: xml, limits: limits).root
        } catch {
            throw SAMLValidationError(error)
        }
    }
}
