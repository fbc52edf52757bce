import Foundation
import SAML
import Testing
import XMLSecurity

/// SP-initiated Single Logout, second half: the IdP's LogoutResponse to our request `_out-1`.
/// Every rejection test sends a message that differs from ``LogoutFixture/idpResponse()`` by one flaw.
@Suite struct LogoutResponseTests {
    typealias F = LogoutFixture

    static func validate(
        redirect query: String, idp: IdentityProvider? = nil, expected: String = "_out-1", now: Date = F.now
    ) throws -> LogoutResult {
        try F.validator().validateResponse(
            try InboundLogoutMessage(redirectQuery: query), from: try idp ?? F.idp(), expectedRequestID: expected, now: now)
    }

    static func validate(post xml: String, idp: IdentityProvider? = nil) throws -> LogoutResult {
        try F.validator().validateResponse(
            try InboundLogoutMessage(postForm: F.postForm(xml, parameter: .response)), from: try idp ?? F.idp(),
            expectedRequestID: "_out-1", now: F.now)
    }

    static func rejection(_ response: LogoutResponse, key: String = "idp-rsa") -> SAMLValidationError.Code? {
        do {
            _ = try validate(redirect: try F.redirect(response.xml, parameter: .response, key: key))
            return nil
        } catch let error as SAMLValidationError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test func successByRedirectMeansSignedOutEverywhere() throws {
        let result = try Self.validate(redirect: try F.redirect(F.idpResponse().xml, parameter: .response))
        #expect(result.outcome == .signedOut)
        #expect(result.response == F.idpResponse())
    }

    @Test func successByPostMeansSignedOutEverywhere() throws {
        let result = try Self.validate(post: try F.signed(F.idpResponse().xml))
        #expect(result.outcome == .signedOut)
    }

    @Test func partialLogoutIsReportedAsSignedOutHereOnly() throws {
        for top in [SAMLNamespace.statusSuccess, SAMLNamespace.statusResponder] {
            var response = F.idpResponse()
            response.statusCode = top
            response.subStatusCode = SAMLNamespace.statusPartialLogout
            let result = try Self.validate(redirect: try F.redirect(response.xml, parameter: .response))
            #expect(result.outcome == .partiallySignedOut)
            #expect(result.response.subStatusCode == SAMLNamespace.statusPartialLogout)
        }
    }

    @Test func failureStatusIsAResultWithItsMessage() throws {
        var response = F.idpResponse()
        response.statusCode = SAMLNamespace.statusRequester
        response.statusMessage = "unknown session"
        let result = try Self.validate(post: try F.signed(response.xml))
        #expect(result.outcome == .failed)
        #expect(result.response.statusMessage == "unknown session")
    }

    @Test func ecdsaSignedRedirectAndRolloverVerify() throws {
        let ec = try F.idp(keys: ["idp-rsa", "idp-ec"])
        let query = try F.redirect(F.idpResponse().xml, parameter: .response, key: "idp-ec", algorithm: .ecdsaSHA256)
        #expect(try Self.validate(redirect: query, idp: ec).outcome == .signedOut)
        let rollover = try F.idp(keys: ["idp-rsa", "idp-rsa2"])
        #expect(
            try Self.validate(redirect: try F.redirect(F.idpResponse().xml, parameter: .response, key: "idp-rsa2"), idp: rollover).outcome
                == .signedOut)
        #expect(try Self.validate(post: try F.signed(F.idpResponse().xml, key: "idp-rsa2"), idp: rollover).outcome == .signedOut)
    }

    @Test func unsignedResponseIsRefused() throws {
        let redirect = #expect(throws: SAMLValidationError.self) {
            try Self.validate(redirect: try F.redirect(F.idpResponse().xml, parameter: .response, key: nil))
        }
        #expect(redirect?.code == .signatureMissing)
        let post = #expect(throws: SAMLValidationError.self) { try Self.validate(post: F.idpResponse().xml) }
        #expect(post?.code == .signatureMissing)
    }

    @Test func responseSignedByAnAttackerIsRefused() throws {
        #expect(Self.rejection(F.idpResponse(), key: "attacker") == .signatureInvalid)
        let post = #expect(throws: SAMLValidationError.self) { try Self.validate(post: try F.signed(F.idpResponse().xml, key: "attacker")) }
        #expect(post?.code == .untrustedKey)
    }

    @Test func responseFromAnotherIssuerIsRefused() {
        var response = F.idpResponse()
        response.issuer = F.otherIdPEntityID
        #expect(Self.rejection(response) == .issuerMismatch)
    }

    @Test func responseToAnotherDestinationIsRefused() {
        var response = F.idpResponse()
        response.destination = "https://other-sp.example.com/slo"
        #expect(Self.rejection(response) == .destinationMismatch)
        response.destination = nil
        #expect(Self.rejection(response) == .destinationMissing)
    }

    @Test func responseToAnotherRequestIsRefused() {
        var response = F.idpResponse()
        response.inResponseTo = "_out-2"
        #expect(Self.rejection(response) == .inResponseToMismatch)
        response.inResponseTo = nil
        #expect(Self.rejection(response) == .inResponseToMismatch)
    }

    @Test func staleOrFutureResponseIsRefused() {
        var response = F.idpResponse()
        response.issueInstant = F.now.addingTimeInterval(-391)
        #expect(Self.rejection(response) == .expired)
        response.issueInstant = F.now.addingTimeInterval(91)
        #expect(Self.rejection(response) == .notYetValid)
    }

    @Test func aRequestIsNotAResponse() throws {
        let error = #expect(throws: SAMLValidationError.self) {
            try Self.validate(redirect: try F.redirect(F.idpRequest().xml, parameter: .response))
        }
        #expect(error?.code == .malformed)
    }
}
