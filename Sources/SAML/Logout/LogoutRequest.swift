public import Foundation
public import XMLSecurity

/// A `samlp:LogoutRequest` (Core §3.7.1), sent by us or by the IdP.
public struct LogoutRequest: Sendable, Equatable {
    /// The message ID.
    public var id: String
    /// When it was issued.
    public var issueInstant: Date
    /// The recipient's SingleLogoutService location.
    public var destination: String?
    /// The sender's entity ID.
    public var issuer: String
    /// The NameID of the session to end (whole text content).
    public var nameID: String
    /// NameID Format.
    public var nameIDFormat: String?
    /// NameID NameQualifier.
    public var nameQualifier: String?
    /// NameID SPNameQualifier.
    public var spNameQualifier: String?
    /// SessionIndex values; empty means every session of that NameID.
    public var sessionIndexes: [String] = []
    /// After this instant the request must be refused.
    public var notOnOrAfter: Date?
    /// Reason URI, if any.
    public var reason: String?

    /// Creates a request.
    public init(
        id: String, issueInstant: Date, destination: String?, issuer: String, nameID: String, nameIDFormat: String? = nil,
        sessionIndexes: [String] = []
    ) {
        self.id = id
        self.issueInstant = issueInstant
        self.destination = destination
        self.issuer = issuer
        self.nameID = nameID
        self.nameIDFormat = nameIDFormat
        self.sessionIndexes = sessionIndexes
    }

    /// The request for ending `identity`'s session at its IdP.
    public init(id: String, issueInstant: Date, destination: String?, issuer: String, identity: Identity) {
        self.init(
            id: id, issueInstant: issueInstant, destination: destination, issuer: issuer, nameID: identity.nameID,
            nameIDFormat: identity.nameIDFormat, sessionIndexes: identity.sessionIndex.map { [$0] } ?? [])
        nameQualifier = identity.nameQualifier
        spNameQualifier = identity.spNameQualifier
    }

    /// The XML, unsigned.
    public var xml: String {
        var attributes = "ID=\"\(id.xmlEscaped)\" Version=\"2.0\" IssueInstant=\"\(SAMLInstant.format(issueInstant))\""
        if let destination { attributes += " Destination=\"\(destination.xmlEscaped)\"" }
        if let notOnOrAfter { attributes += " NotOnOrAfter=\"\(SAMLInstant.format(notOnOrAfter))\"" }
        if let reason { attributes += " Reason=\"\(reason.xmlEscaped)\"" }
        var nameIDAttributes = ""
        if let nameQualifier { nameIDAttributes += " NameQualifier=\"\(nameQualifier.xmlEscaped)\"" }
        if let spNameQualifier { nameIDAttributes += " SPNameQualifier=\"\(spNameQualifier.xmlEscaped)\"" }
        if let nameIDFormat { nameIDAttributes += " Format=\"\(nameIDFormat.xmlEscaped)\"" }
        var text = "<samlp:LogoutRequest xmlns:samlp=\"\(SAMLNamespace.samlp)\" xmlns:saml=\"\(SAMLNamespace.assertion)\" \(attributes)>"
        text += "<saml:Issuer>\(issuer.xmlEscaped)</saml:Issuer>"
        text += "<saml:NameID\(nameIDAttributes)>\(nameID.xmlEscaped)</saml:NameID>"
        text += sessionIndexes.map { "<samlp:SessionIndex>\($0.xmlEscaped)</samlp:SessionIndex>" }.joined()
        return text + "</samlp:LogoutRequest>"
    }

    /// Reads a request from a (verified) `samlp:LogoutRequest` element whose identifier is a
    /// plain NameID. An EncryptedID needs ``LogoutValidator`` and the SP's decryption key.
    public init(element: XMLElement) throws(SAMLValidationError) {
        let issuer = Self.issuer(of: element)
        let identifier = try Self.identifier(of: element, issuer: issuer)
        guard identifier.localName == "NameID" else {
            let detail =
                identifier.localName == "EncryptedID"
                ? "the LogoutRequest carries an EncryptedID; it needs the SP's decryption key"
                : "the LogoutRequest identifies the principal by \(identifier.localName), which is not supported"
            throw SAMLValidationError(code: .nameIDMissing, detail: detail, issuer: issuer)
        }
        try self.init(element: element, nameID: identifier)
    }

    /// Reads a request from a (verified) `samlp:LogoutRequest` element, taking the principal
    /// from `nameIDElement` (the NameID child, or what its EncryptedID decrypted to).
    init(element: XMLElement, nameID nameIDElement: XMLElement) throws(SAMLValidationError) {
        guard element.isNamed("LogoutRequest", namespace: SAMLNamespace.samlp) else {
            throw SAMLValidationError(code: .malformed, detail: "root is <\(element.localName)>, expected samlp:LogoutRequest")
        }
        let issuer = Self.issuer(of: element)
        guard let id = element.attribute("ID"), !id.isEmpty, let instant = element.attribute("IssueInstant").flatMap(SAMLInstant.parse),
            let issuer
        else {
            throw SAMLValidationError(code: .malformed, detail: "LogoutRequest lacks ID, IssueInstant or Issuer", issuer: issuer)
        }
        guard nameIDElement.isNamed("NameID", namespace: SAMLNamespace.assertion) else {
            throw SAMLValidationError(
                code: .nameIDMissing, detail: "the principal is identified by <\(nameIDElement.localName)>, not a NameID", issuer: issuer)
        }
        let nameID = nameIDElement.textContent.trimmed
        guard !nameID.isEmpty else {
            throw SAMLValidationError(code: .nameIDMissing, detail: "the LogoutRequest NameID is empty", issuer: issuer)
        }
        self.init(
            id: id, issueInstant: instant, destination: element.attribute("Destination"), issuer: issuer,
            nameID: nameID, nameIDFormat: nameIDElement.attribute("Format"),
            sessionIndexes: element.children(named: "SessionIndex", namespace: SAMLNamespace.samlp).map { $0.textContent.trimmed })
        nameQualifier = nameIDElement.attribute("NameQualifier")
        spNameQualifier = nameIDElement.attribute("SPNameQualifier")
        reason = element.attribute("Reason")
        if let text = element.attribute("NotOnOrAfter") {
            guard let date = SAMLInstant.parse(text) else {
                throw SAMLValidationError(code: .malformed, detail: "LogoutRequest NotOnOrAfter is not a dateTime", issuer: issuer)
            }
            notOnOrAfter = date
        }
    }

    /// The Issuer child's text, unverified unless `element` is.
    static func issuer(of element: XMLElement) -> String? {
        element.firstChild(named: "Issuer", namespace: SAMLNamespace.assertion)?.textContent.trimmed
    }

    /// The one BaseID, NameID or EncryptedID child (Core §3.7.1 allows exactly one).
    static func identifier(of element: XMLElement, issuer: String?) throws(SAMLValidationError) -> XMLElement {
        let found = element.children.filter { child in
            child.namespaceURI == SAMLNamespace.assertion && ["BaseID", "NameID", "EncryptedID"].contains(child.localName)
        }
        guard found.count <= 1 else {
            throw SAMLValidationError(
                code: .malformed, detail: "the LogoutRequest names the principal \(found.count) times; one is allowed", issuer: issuer)
        }
        guard let identifier = found.first else {
            throw SAMLValidationError(code: .nameIDMissing, detail: "the LogoutRequest carries no NameID", issuer: issuer)
        }
        return identifier
    }
}
