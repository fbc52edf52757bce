import Foundation
import XMLSecurity

/// Builds realistic signed SAML responses (~8 KB, 10 attributes, one signed Assertion) from a
/// template, each with fresh unique IDs, so that the replay check never trips.
struct ResponseFactory: Sendable {
    static let spEntityID = "https://sp.example.com/saml/metadata"
    static let acsURL = "https://sp.example.com/saml/acs"
    static let idpEntityID = "https://idp.example.com/metadata"
    static let requestID = "_req-3c8d41a2"

    var issuer = Self.idpEntityID
    var audience = Self.spEntityID
    var acs = Self.acsURL
    /// nil: an unsolicited (IdP-initiated) response.
    var inResponseTo: String? = Self.requestID
    var instant: Date
    var key: SigningKey
    var algorithm: SignatureAlgorithm

    /// The signed response with serial number `n`, as XML bytes.
    func response(_ n: Int, salt: String) throws -> [UInt8] {
        let stamp = Self.format(instant)
        let notBefore = Self.format(instant.addingTimeInterval(-60))
        let notOnOrAfter = Self.format(instant.addingTimeInterval(300))
        let sessionEnd = Self.format(instant.addingTimeInterval(8 * 3600))
        let assertionID = "_a\(salt)-\(n)"
        let responseID = "_r\(salt)-\(n)"
        let irt = inResponseTo.map { " InResponseTo=\"\($0)\"" } ?? ""
        let user = "user\(n)"
        let groups = [
            "app-gatehouse-users", "engineering", "staff", "platform-team", "oncall-primary", "vpn-users",
            "github-org-members", "jira-software-users", "confluence-users", "aws-readonly", "building-a-badge",
            "all-employees-emea",
        ].map { "CN=\($0),OU=Groups,OU=Corp,DC=example,DC=com" }
        let attributes: [(String, String?, [String])] = [
            ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "email", ["\(user)@example.com"]),
            ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "givenName", ["Ada"]),
            ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "surname", ["Lovelace"]),
            ("http://schemas.microsoft.com/identity/claims/displayname", "displayName", ["Ada Lovelace \(n)"]),
            ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "username", [user]),
            ("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", "groups", groups),
            ("department", nil, ["Research &amp; Development"]),
            ("title", nil, ["Principal Engineer"]),
            ("employeeNumber", nil, ["\(100000 + n)"]),
            ("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduPersonPrincipalName", ["\(user)@example.com"]),
        ]
        var statement = ""
        for (name, friendly, values) in attributes {
            let friendlyAttribute = friendly.map { " FriendlyName=\"\($0)\"" } ?? ""
            let format = name.hasPrefix("urn:") || name.hasPrefix("http") ? "uri" : "basic"
            statement +=
                "      <saml:Attribute Name=\"\(name)\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:\(format)\"\(friendlyAttribute)>\n"
            for value in values {
                statement += "        <saml:AttributeValue xsi:type=\"xs:string\">\(value)</saml:AttributeValue>\n"
            }
            statement += "      </saml:Attribute>\n"
        }
        let assertion = """
            <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="\(assertionID)" Version="2.0" IssueInstant="\(stamp)">
                <saml:Issuer>\(issuer)</saml:Issuer>
                <saml:Subject>
                  <saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" SPNameQualifier="\(audience)">\(user)@example.com</saml:NameID>
                  <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
                    <saml:SubjectConfirmationData\(irt) NotOnOrAfter="\(notOnOrAfter)" Recipient="\(acs)"/>
                  </saml:SubjectConfirmation>
                </saml:Subject>
                <saml:Conditions NotBefore="\(notBefore)" NotOnOrAfter="\(notOnOrAfter)">
                  <saml:AudienceRestriction>
                    <saml:Audience>\(audience)</saml:Audience>
                  </saml:AudienceRestriction>
                </saml:Conditions>
                <saml:AuthnStatement AuthnInstant="\(stamp)" SessionIndex="_s\(salt)-\(n)" SessionNotOnOrAfter="\(sessionEnd)">
                  <saml:SubjectLocality Address="203.0.113.7"/>
                  <saml:AuthnContext>
                    <saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>
                  </saml:AuthnContext>
                </saml:AuthnStatement>
                <saml:AttributeStatement>
            \(statement)    </saml:AttributeStatement>
              </saml:Assertion>
            """
        let signed = try Signer.signEnveloped(Array(assertion.utf8), key: key, algorithm: algorithm, digest: .sha256)
        let head = """
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" \
            ID="\(responseID)" Version="2.0" IssueInstant="\(stamp)" Destination="\(acs)"\(irt)>
              <saml:Issuer>\(issuer)</saml:Issuer>
              <samlp:Status>
                <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>
              </samlp:Status>

            """
        return Array(head.utf8) + signed + Array("\n</samlp:Response>\n".utf8)
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func parseInstant(_ text: String) throws -> Date {
        if text == "now" { return Date() }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { throw BenchError("bad instant \(text)") }
        return date
    }
}
