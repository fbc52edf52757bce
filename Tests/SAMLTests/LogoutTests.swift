import Foundation
import SAML
import Testing
import XMLSecurity

@Suite struct LogoutTests {
    static let slo = "https://sp.example.com/saml/slo"

    static func idp() throws -> IdentityProvider {
        IdentityProvider(entityID: Fixture.idpEntityID, signingKeys: [try Fixture.trustedKey("idp-rsa")])
    }

    static func idpRequest() -> LogoutRequest {
        var request = LogoutRequest(
            id: "_lr1", issueInstant: Fixture.instant, destination: slo, issuer: Fixture.idpEntityID,
            nameID: "ada@example.com", nameIDFormat: NameIDFormat.emailAddress, sessionIndexes: ["_session-91e2"])
        request.notOnOrAfter = Fixture.instant.addingTimeInterval(300)
        return request
    }

    @Test func ourLogoutRequestCarriesTheSessionOfTheIdentity() async throws {
        let identity = try await Fixture.validate("valid.xml")
        let request = LogoutRequest(
            id: "_out1", issueInstant: Fixture.instant, destination: "https://idp.example.com/slo/redirect",
            issuer: Fixture.spEntityID, identity: identity)
        let parsed = try LogoutRequest(element: try XMLDocument(parsing: request.xml).root)
        #expect(parsed == request)
        #expect(parsed.sessionIndexes == ["_session-91e2"])
        #expect(parsed.nameID == "ada@example.com")
    }

    @Test func signedRedirectLogoutRequestFromTheIdPIsAccepted() throws {
        let query = try HTTPRedirectBinding.encode(Self.idpRequest().xml, relayState: "r", signingKey: try Fixture.signingKey("idp-rsa"))
        let request = try LogoutValidator(singleLogoutServiceURL: Self.slo).validateRequest(
            redirect: try RedirectMessage(query: query), from: try Self.idp(), now: Fixture.instant)
        #expect(request == Self.idpRequest())
    }

    @Test func signedPostLogoutRequestFromTheIdPIsAccepted() throws {
        let xml = try Signer.signEnveloped(Array(Self.idpRequest().xml.utf8), key: try Fixture.signingKey("idp-rsa"))
        let request = try LogoutValidator(singleLogoutServiceURL: Self.slo).validateRequest(
            postedXML: xml, from: try Self.idp(), now: Fixture.instant)
        #expect(request.sessionIndexes == ["_session-91e2"])
    }

    @Test func unsignedLogoutRequestIsRefused() throws {
        let validator = LogoutValidator(singleLogoutServiceURL: Self.slo)
        let redirect = #expect(throws: SAMLValidationError.self) {
            try validator.validateRequest(
                redirect: try RedirectMessage(query: try HTTPRedirectBinding.encode(Self.idpRequest().xml)), from: try Self.idp(),
                now: Fixture.instant)
        }
        #expect(redirect?.code == .signatureMissing)
        let post = #expect(throws: SAMLValidationError.self) {
            try validator.validateRequest(postedXML: Array(Self.idpRequest().xml.utf8), from: try Self.idp(), now: Fixture.instant)
        }
        #expect(post?.code == .signatureMissing)
    }

    @Test func logoutRequestChecksIssuerDestinationAndExpiry() throws {
        let key = try Fixture.signingKey("idp-rsa")
        let validator = LogoutValidator(singleLogoutServiceURL: Self.slo)
        func check(_ request: LogoutRequest, now: Date = Fixture.instant) throws(SAMLValidationError) {
            let query = try! HTTPRedirectBinding.encode(request.xml, signingKey: key)
            _ = try validator.validateRequest(redirect: try RedirectMessage(query: query), from: try! Self.idp(), now: now)
        }
        var wrongIssuer = Self.idpRequest()
        wrongIssuer.issuer = "https://other.example"
        #expect(throws: SAMLValidationError.self) { try check(wrongIssuer) }
        var wrongDestination = Self.idpRequest()
        wrongDestination.destination = "https://other-sp.example.com/slo"
        let destination = #expect(throws: SAMLValidationError.self) { try check(wrongDestination) }
        #expect(destination?.code == .destinationMismatch)
        let expired = #expect(throws: SAMLValidationError.self) {
            try check(Self.idpRequest(), now: Fixture.instant.addingTimeInterval(391))
        }
        #expect(expired?.code == .expired)
    }

    @Test func logoutResponseMustAnswerOurRequestWithSuccess() throws {
        let key = try Fixture.signingKey("idp-rsa")
        let validator = LogoutValidator(singleLogoutServiceURL: Self.slo)
        var response = LogoutResponse(
            id: "_lresp1", issueInstant: Fixture.instant, destination: Self.slo, issuer: Fixture.idpEntityID, inResponseTo: "_out1")
        func validate(_ response: LogoutResponse) throws(SAMLValidationError) -> LogoutResponse {
            let query = try! HTTPRedirectBinding.encode(response.xml, parameter: .response, signingKey: key)
            return try validator.validateResponse(
                redirect: try RedirectMessage(query: query), from: try! Self.idp(), expectedRequestID: "_out1")
        }
        #expect(try validate(response) == response)
        response.inResponseTo = "_other"
        #expect(throws: SAMLValidationError.self) { try validate(response) }
        response.inResponseTo = "_out1"
        response.statusCode = "urn:oasis:names:tc:SAML:2.0:status:Responder"
        response.subStatusCode = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout"
        let error = #expect(throws: SAMLValidationError.self) { try validate(response) }
        #expect(error?.code == .statusNotSuccess)
        #expect(error?.detail.contains("PartialLogout") == true)
    }
}
