public import Foundation
public import XMLSecurity

/// A `samlp:LogoutResponse` (Core §3.7.2).
public struct LogoutResponse: Sendable, Equatable {
    /// The message ID.
    public var id: String
    /// When it was issued.
    public var issueInstant: Date
    /// The recipient's SingleLogoutService (response) location.
    public var destination: String?
    /// The sender's entity ID.
    public var issuer: String
    /// The ID of the LogoutRequest this answers.
    public var inResponseTo: String?
    /// Top-level status code.
    public var statusCode: String
    /// Second-level status code (e.g. PartialLogout), if any.
    public var subStatusCode: String?
    /// StatusMessage, if any.
    public var statusMessage: String?

    /// Creates a response (Success unless told otherwise).
    public init(
        id: String, issueInstant: Date, destination: String?, issuer: String, inResponseTo: String?,
        statusCode: String = SAMLNamespace.statusSuccess
    ) {
        self.id = id
        self.issueInstant = issueInstant
        self.destination = destination
        self.issuer = issuer
        self.inResponseTo = inResponseTo
        self.statusCode = statusCode
    }

    /// The XML, unsigned.
    public var xml: String {
        var attributes = "ID=\"\(id.xmlEscaped)\" Version=\"2.0\" IssueInstant=\"\(SAMLInstant.format(issueInstant))\""
        if let destination { attributes += " Destination=\"\(destination.xmlEscaped)\"" }
        if let inResponseTo { attributes += " InResponseTo=\"\(inResponseTo.xmlEscaped)\"" }
        var text = "<samlp:LogoutResponse xmlns:samlp=\"\(SAMLNamespace.samlp)\" xmlns:saml=\"\(SAMLNamespace.assertion)\" \(attributes)>"
        text += "<saml:Issuer>\(issuer.xmlEscaped)</saml:Issuer><samlp:Status>"
        if let subStatusCode {
            text +=
                "<samlp:StatusCode Value=\"\(statusCode.xmlEscaped)\"><samlp:StatusCode Value=\"\(subStatusCode.xmlEscaped)\"/></samlp:StatusCode>"
        } else {
            text += "<samlp:StatusCode Value=\"\(statusCode.xmlEscaped)\"/>"
        }
        if let statusMessage { text += "<samlp:StatusMessage>\(statusMessage.xmlEscaped)</samlp:StatusMessage>" }
        return text + "</samlp:Status></samlp:LogoutResponse>"
    }

    /// Reads a response from a (verified) `samlp:LogoutResponse` element.
    public init(element: XMLElement) throws(SAMLValidationError) {
        guard element.isNamed("LogoutResponse", namespace: SAMLNamespace.samlp) else {
            throw SAMLValidationError(code: .malformed, detail: "root is <\(element.localName)>, expected samlp:LogoutResponse")
        }
        let issuer = element.firstChild(named: "Issuer", namespace: SAMLNamespace.assertion)?.textContent.trimmed
        let status = element.firstChild(named: "Status", namespace: SAMLNamespace.samlp)
        let code = status?.firstChild(named: "StatusCode", namespace: SAMLNamespace.samlp)
        guard let id = element.attribute("ID"), let instant = element.attribute("IssueInstant").flatMap(SAMLInstant.parse),
            let issuer, let value = code?.attribute("Value")
        else {
            throw SAMLValidationError(
                code: .malformed, detail: "LogoutResponse lacks ID, IssueInstant, Issuer or StatusCode", issuer: issuer)
        }
        self.init(
            id: id, issueInstant: instant, destination: element.attribute("Destination"), issuer: issuer,
            inResponseTo: element.attribute("InResponseTo"), statusCode: value)
        subStatusCode = code?.firstChild(named: "StatusCode", namespace: SAMLNamespace.samlp)?.attribute("Value")
        statusMessage = status?.firstChild(named: "StatusMessage", namespace: SAMLNamespace.samlp)?.textContent
    }
}
