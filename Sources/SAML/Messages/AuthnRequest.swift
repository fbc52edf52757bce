public import Foundation

/// An SP-initiated `samlp:AuthnRequest` (Core §3.4.1), asking for an HTTP-POST response.
public struct AuthnRequest: Sendable, Equatable {
    /// The request ID: random, starting with a letter or `_`, kept in the pending-login record.
    public var id: String
    /// When the request was made.
    public var issueInstant: Date
    /// The IdP's SingleSignOnService location.
    public var destination: String
    /// Our ACS URL (from the configured external base URL).
    public var assertionConsumerServiceURL: String
    /// Our SP entity ID.
    public var issuer: String
    /// NameIDPolicy Format, if any.
    public var nameIDFormat: String?
    /// NameIDPolicy AllowCreate.
    public var allowCreate = true
    /// Ask the IdP to authenticate again even with a session.
    public var forceAuthn = false
    /// Ask the IdP not to interact with the user.
    public var isPassive = false
    /// RequestedAuthnContext class references (empty: none requested).
    public var requestedAuthnContextClassRefs: [String] = []
    /// RequestedAuthnContext Comparison (`exact`, `minimum`, `better`, `maximum`).
    public var authnContextComparison = "exact"

    /// Creates a request.
    public init(
        id: String, issueInstant: Date, destination: String, assertionConsumerServiceURL: String, issuer: String,
        nameIDFormat: String? = nil
    ) {
        self.id = id
        self.issueInstant = issueInstant
        self.destination = destination
        self.assertionConsumerServiceURL = assertionConsumerServiceURL
        self.issuer = issuer
        self.nameIDFormat = nameIDFormat
    }

    /// A fresh request ID: `_` and 32 random hex digits (128 bits).
    public static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "_"
            + (0..<16).map { _ in
                let byte = UInt8.random(in: 0...255, using: &generator)
                let hex = String(byte, radix: 16)
                return hex.count == 1 ? "0" + hex : hex
            }.joined()
    }

    /// The XML, unsigned (sign it with ``HTTPPostBinding`` or send it with ``HTTPRedirectBinding``).
    public var xml: String {
        var attributes = "ID=\"\(id.xmlEscaped)\" Version=\"2.0\" IssueInstant=\"\(SAMLInstant.format(issueInstant))\""
        attributes += " Destination=\"\(destination.xmlEscaped)\""
        attributes += " AssertionConsumerServiceURL=\"\(assertionConsumerServiceURL.xmlEscaped)\""
        attributes += " ProtocolBinding=\"\(SAMLBinding.httpPOST)\""
        if forceAuthn { attributes += " ForceAuthn=\"true\"" }
        if isPassive { attributes += " IsPassive=\"true\"" }
        var lines = [
            "<samlp:AuthnRequest xmlns:samlp=\"\(SAMLNamespace.samlp)\" xmlns:saml=\"\(SAMLNamespace.assertion)\" \(attributes)>",
            "<saml:Issuer>\(issuer.xmlEscaped)</saml:Issuer>",
        ]
        var policy = "<samlp:NameIDPolicy AllowCreate=\"\(allowCreate)\""
        if let nameIDFormat { policy += " Format=\"\(nameIDFormat.xmlEscaped)\"" }
        lines.append(policy + "/>")
        if !requestedAuthnContextClassRefs.isEmpty {
            lines.append("<samlp:RequestedAuthnContext Comparison=\"\(authnContextComparison.xmlEscaped)\">")
            lines += requestedAuthnContextClassRefs.map { "<saml:AuthnContextClassRef>\($0.xmlEscaped)</saml:AuthnContextClassRef>" }
            lines.append("</samlp:RequestedAuthnContext>")
        }
        lines.append("</samlp:AuthnRequest>")
        return lines.joined()
    }
}
