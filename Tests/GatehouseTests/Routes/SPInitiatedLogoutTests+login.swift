import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SAML
import Testing
import XMLSecurity

extension SPInitiatedLogoutTests {
    /// A browser login through the gateway's ACS, answered by a Response whose Assertion the
    /// test signs with `keys/idp-rsa` for ``SingleLogoutRouteTests/idpID``, its NameID
    /// carrying a Format and both qualifiers (neither equal to an entity ID, so they can only
    /// come from the assertion).
    struct SignedLogin {
        static let nameID = "alice-7f3e"
        static let nameQualifier = "https://idp.test.example/qualifier"
        static let spNameQualifier = "https://affiliation.test.example"
        static let sessionIndex = "_session-91"
        let harness: Harness

        /// Runs the login and returns the session cookie's value.
        func login() async throws -> String {
            let idp = SingleLogoutRouteTests.idpID
            let start = try await harness.client.execute(
                uri: "/saml/login?idp=" + GatewayHarness.formEncode(idp) + "&rd=/docs", method: .get)
            #expect(start.status == .found)
            let location = try #require(start.headers[.location])
            let query = try #require(location.split(separator: "?", maxSplits: 1).last.map(String.init))
            let authnRequest = try RedirectMessage(query: query)
            let requestID = try #require(try XMLDocument(parsing: authnRequest.xml).root.attribute("ID"))
            let relayState = try #require(authnRequest.relayState)
            let binding = try #require(GatewayHarness.cookie(harness.config.cookie.pendingLoginName, in: start))

            let assertion = try Self.signed(Self.assertion(answering: requestID, now: Date()))
            let response = """
                <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" \
                ID="_r-\(UUID().uuidString.lowercased())" Version="2.0" IssueInstant="\(SAMLInstant.format(Date()))" \
                Destination="http://localhost/saml/acs" InResponseTo="\(requestID)"><saml:Issuer>\(idp)</saml:Issuer>\
                <samlp:Status><samlp:StatusCode Value="\(SAMLNamespace.statusSuccess)"/></samlp:Status>\(assertion)</samlp:Response>
                """
            let form =
                "SAMLResponse=" + GatewayHarness.formEncode(Data(response.utf8).base64EncodedString()) + "&RelayState="
                + GatewayHarness.formEncode(relayState)
            let done = try await harness.client.execute(
                uri: "/saml/acs", method: .post,
                headers: [
                    .contentType: "application/x-www-form-urlencoded", .cookie: "\(harness.config.cookie.pendingLoginName)=\(binding)",
                ],
                body: ByteBuffer(string: form))
            #expect(done.status == .seeOther)
            return try #require(GatewayHarness.cookie(harness.config.cookie.name, in: done))
        }

        static func assertion(answering requestID: String, now: Date) -> String {
            let issued = SAMLInstant.format(now)
            let expiry = SAMLInstant.format(now.addingTimeInterval(300))
            return """
                <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a-\(UUID().uuidString.lowercased())" \
                Version="2.0" IssueInstant="\(issued)"><saml:Issuer>\(SingleLogoutRouteTests.idpID)</saml:Issuer>\
                <saml:Subject><saml:NameID Format="\(SPInitiatedLogoutTests.persistent)" NameQualifier="\(nameQualifier)" \
                SPNameQualifier="\(spNameQualifier)">\(nameID)</saml:NameID>\
                <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">\
                <saml:SubjectConfirmationData InResponseTo="\(requestID)" NotOnOrAfter="\(expiry)" \
                Recipient="http://localhost/saml/acs"/></saml:SubjectConfirmation></saml:Subject>\
                <saml:Conditions NotBefore="\(SAMLInstant.format(now.addingTimeInterval(-60)))" NotOnOrAfter="\(expiry)">\
                <saml:AudienceRestriction><saml:Audience>\(SPInitiatedLogoutTests.spEntityID)</saml:Audience>\
                </saml:AudienceRestriction></saml:Conditions>\
                <saml:AuthnStatement AuthnInstant="\(issued)" SessionIndex="\(sessionIndex)"><saml:AuthnContext>\
                <saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>\
                </saml:AuthnContext></saml:AuthnStatement></saml:Assertion>
                """
        }

        /// `xml` signed by the IdP, without the XML declaration (it is embedded in the Response).
        static func signed(_ xml: String) throws -> String {
            var text = String(decoding: try SingleLogoutRouteTests.signedXML(xml), as: UTF8.self)
            if text.hasPrefix("<?xml"), let end = text.range(of: "?>") { text = String(text[end.upperBound...]) }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
