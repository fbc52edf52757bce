public import Foundation
import SAML
import XMLSecurity

/// What the development IdP needs from an incoming AuthnRequest.
public struct DevelopmentAuthnRequest: Sendable, Equatable {
    /// The request's ID (becomes InResponseTo).
    public var id: String
    /// The SP entity ID (becomes the Audience).
    public var issuer: String
    /// Where the response goes.
    public var assertionConsumerServiceURL: String
    /// The opaque RelayState to send back.
    public var relayState: String?
}

extension DevelopmentIdP {
    /// Decodes an HTTP-Redirect AuthnRequest from the SSO URL's query string.
    public func authnRequest(query: String) throws(DevelopmentIdPError) -> DevelopmentAuthnRequest {
        let message: RedirectMessage
        do {
            message = try RedirectMessage(query: query)
        } catch {
            throw DevelopmentIdPError(.undecodableRequest, detail: error.detail)
        }
        let root: XMLElement
        do {
            root = try XMLDocument(parsing: message.xml).root
        } catch {
            throw DevelopmentIdPError(.malformedRequest, detail: error.detail)
        }
        guard root.isNamed("AuthnRequest", namespace: SAMLNamespace.samlp), let id = root.attribute("ID"),
            let issuer = root.firstChild(named: "Issuer", namespace: SAMLNamespace.assertion)?.textContent
        else {
            throw DevelopmentIdPError(.notAnAuthnRequest)
        }
        let acs = root.attribute("AssertionConsumerServiceURL") ?? assertionConsumerServiceURL
        // Only ever post to the gateway it serves: a development IdP must not sign for anyone else.
        guard acs == assertionConsumerServiceURL else {
            throw DevelopmentIdPError(.foreignConsumer, detail: "asked for \(acs), answers only \(assertionConsumerServiceURL)")
        }
        return DevelopmentAuthnRequest(id: id, issuer: issuer, assertionConsumerServiceURL: acs, relayState: message.relayState)
    }

    /// A signed SAML Response (base64, as posted) that signs `user` in for `request`.
    public func response(to request: DevelopmentAuthnRequest, user: DevelopmentUser, now: Date) throws -> String {
        let assertionID = "_dev-a-" + UUID().uuidString.lowercased()
        let responseID = "_dev-r-" + UUID().uuidString.lowercased()
        let instant = SAMLInstant.format(now)
        let notBefore = SAMLInstant.format(now.addingTimeInterval(-60))
        let notOnOrAfter = SAMLInstant.format(now.addingTimeInterval(300))
        let attributes: [(String, [String])] = [
            ("email", [user.email]), ("uid", [user.username]), ("username", [user.username]),
            ("displayName", [user.displayName]), ("groups", user.groups),
        ]
        let statement = attributes.map { name, values in
            "<saml:Attribute Name=\"\(name)\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:basic\">"
                + values.map { "<saml:AttributeValue>\($0.xmlEscaped)</saml:AttributeValue>" }.joined()
                + "</saml:Attribute>"
        }.joined()
        let assertion = """
            <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\(assertionID)" Version="2.0" IssueInstant="\(instant)">\
            <saml:Issuer>\(entityID.xmlEscaped)</saml:Issuer>\
            <saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">\(user.email.xmlEscaped)</saml:NameID>\
            <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">\
            <saml:SubjectConfirmationData InResponseTo="\(request.id.xmlEscaped)" NotOnOrAfter="\(notOnOrAfter)" \
            Recipient="\(request.assertionConsumerServiceURL.xmlEscaped)"/></saml:SubjectConfirmation></saml:Subject>\
            <saml:Conditions NotBefore="\(notBefore)" NotOnOrAfter="\(notOnOrAfter)"><saml:AudienceRestriction>\
            <saml:Audience>\(request.issuer.xmlEscaped)</saml:Audience></saml:AudienceRestriction></saml:Conditions>\
            <saml:AuthnStatement AuthnInstant="\(instant)" SessionIndex="_dev-s-\(UUID().uuidString.lowercased())">\
            <saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef>\
            </saml:AuthnContext></saml:AuthnStatement>\
            <saml:AttributeStatement>\(statement)</saml:AttributeStatement></saml:Assertion>
            """
        let signed = try Signer.signEnveloped(Array(assertion.utf8), key: signingKey, algorithm: .ecdsaSHA256)
        let response = """
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" \
            ID="\(responseID)" Version="2.0" IssueInstant="\(instant)" Destination="\(request.assertionConsumerServiceURL.xmlEscaped)" \
            InResponseTo="\(request.id.xmlEscaped)"><saml:Issuer>\(entityID.xmlEscaped)</saml:Issuer>\
            <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>\
            \(String(decoding: signed, as: UTF8.self))</samlp:Response>
            """
        return Data(response.utf8).base64EncodedString()
    }
}
