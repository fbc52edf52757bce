import Foundation
import XMLSecurity

/// Step 10: reads the identity out of a verified assertion element. Text is always the whole
/// text content, so a comment inside NameID cannot truncate it.
enum IdentityReader {
    static func read(_ assertion: XMLElement, issuer: String, assertionID: String) throws(SAMLValidationError) -> Identity {
        let subject = assertion.firstChild(named: "Subject", namespace: SAMLNamespace.assertion)
        guard let nameIDElement = subject?.firstChild(named: "NameID", namespace: SAMLNamespace.assertion) else {
            let encrypted = subject?.firstChild(named: "EncryptedID", namespace: SAMLNamespace.assertion) != nil
            throw SAMLValidationError(
                code: .nameIDMissing,
                detail: encrypted ? "the Subject carries an EncryptedID, which is not supported" : "the Subject carries no NameID",
                issuer: issuer)
        }
        let nameID = nameIDElement.textContent.trimmed
        guard !nameID.isEmpty else {
            throw SAMLValidationError(code: .nameIDMissing, detail: "NameID is empty", issuer: issuer)
        }
        var identity = Identity(
            issuer: issuer, nameID: nameID, nameIDFormat: nameIDElement.attribute("Format"),
            nameQualifier: nameIDElement.attribute("NameQualifier"),
            spNameQualifier: nameIDElement.attribute("SPNameQualifier"), assertionID: assertionID)
        if let authn = assertion.firstChild(named: "AuthnStatement", namespace: SAMLNamespace.assertion) {
            identity.sessionIndex = authn.attribute("SessionIndex")
            identity.authnInstant = authn.attribute("AuthnInstant").flatMap(SAMLInstant.parse)
            identity.sessionNotOnOrAfter = authn.attribute("SessionNotOnOrAfter").flatMap(SAMLInstant.parse)
            identity.authnContextClassRef =
                authn.firstChild(named: "AuthnContext", namespace: SAMLNamespace.assertion)?
                .firstChild(named: "AuthnContextClassRef", namespace: SAMLNamespace.assertion)?.textContent.trimmed
        }
        for statement in assertion.children(named: "AttributeStatement", namespace: SAMLNamespace.assertion) {
            for attribute in statement.children(named: "Attribute", namespace: SAMLNamespace.assertion) {
                guard let name = attribute.attribute("Name"), !name.isEmpty else { continue }
                let values = attribute.children(named: "AttributeValue", namespace: SAMLNamespace.assertion).map(\.textContent)
                identity.attributes[name, default: []].append(contentsOf: values)
                if let friendly = attribute.attribute("FriendlyName"), !friendly.isEmpty {
                    identity.friendlyNames[name] = friendly
                }
            }
        }
        return identity
    }
}
