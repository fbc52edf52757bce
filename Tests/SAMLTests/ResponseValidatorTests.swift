import Foundation
import SAML
import Testing
import XMLSecurity

@Suite struct ResponseValidatorTests {
    @Test func validResponseIsAcceptedWithItsWholeIdentity() async throws {
        let identity = try await Fixture.validate("valid.xml")
        #expect(identity.issuer == Fixture.idpEntityID)
        #expect(identity.nameID == "ada@example.com")
        #expect(identity.nameIDFormat == NameIDFormat.emailAddress)
        #expect(identity.sessionIndex == "_session-91e2")
        #expect(identity.authnInstant == Fixture.instant)
        #expect(identity.authnContextClassRef == "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
        #expect(identity.sessionNotOnOrAfter == SAMLInstant.parse("2026-06-01T20:00:00Z"))
        #expect(identity.assertionID == "_assert-5f2a9e70")
        #expect(identity.attributes.count == 10)
        #expect(identity.attributes["groups"] == ["engineering", "staff"])
        #expect(identity.attributes["department"] == ["Research & Development"])
        #expect(identity.friendlyNames["sn"] == "surname")
        #expect(identity.values("surname") == ["Lovelace"])
        #expect(identity.values("eduPersonPrincipalName") == ["ada@example.com"])
    }

    @Test(arguments: ["valid-response-signed.xml", "valid-both-signed.xml", "encrypted.xml"])
    func otherValidShapesYieldTheSameIdentity(_ name: String) async throws {
        let reference = try await Fixture.validate("valid.xml")
        let identity = try await Fixture.validate(name)
        #expect(identity == reference)
    }

    @Test(arguments: SAMLValidationError.Code.allCases)
    func invalidFixtureFailsItsOwnCheck(_ code: SAMLValidationError.Code) async throws {
        let validator = try Fixture.validator()
        if code == .replayed {
            // The flaw of replayed.xml is that it arrives a second time.
            _ = try await Fixture.validate("valid.xml", validator: validator)
        }
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Fixture.validate("invalid/\(code.rawValue).xml", validator: validator)
        }
        #expect(error?.code == code, "\(error?.description ?? "no error")")
    }

    @Test func requiredAssertionSignatureRefusesAResponseOnlySignature() async throws {
        var policy = try Fixture.policy()
        policy.requiresSignedAssertion = true
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Fixture.validate("valid-response-signed.xml", validator: try Fixture.validator(policy))
        }
        #expect(error?.code == .signatureMissing)
        _ = try await Fixture.validate("valid-both-signed.xml", validator: try Fixture.validator(policy))
    }

    @Test func requiredResponseSignatureRefusesAnAssertionOnlySignature() async throws {
        var policy = try Fixture.policy()
        policy.requiresSignedResponse = true
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Fixture.validate("valid.xml", validator: try Fixture.validator(policy))
        }
        #expect(error?.code == .signatureMissing)
        _ = try await Fixture.validate("valid-response-signed.xml", validator: try Fixture.validator(policy))
    }

    @Test func sha1IsAcceptedOnlyWhenAllowed() async throws {
        var policy = try Fixture.policy()
        policy.allowsSHA1 = true
        let identity = try await Fixture.validate("invalid/weakAlgorithm.xml", validator: try Fixture.validator(policy))
        #expect(identity.nameID == "ada@example.com")
    }

    @Test func unsolicitedResponseIsAcceptedWhenAllowed() async throws {
        var policy = try Fixture.policy()
        policy.allowsUnsolicited = true
        let validator = try Fixture.validator(policy)
        _ = try await Fixture.validate("invalid/unsolicitedNotAllowed.xml", validator: validator, expectedRequestID: nil)
    }

    @Test func responseNamingARequestWhenNoneIsPendingIsAMismatch() async throws {
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Fixture.validate("valid.xml", expectedRequestID: nil)
        }
        #expect(error?.code == .inResponseToMismatch)
    }

    @Test func clockSkewToleratesSlightlyEarlyAndLateClocks() async throws {
        for offset in [-150.0, 359.0] {
            let validator = try Fixture.validator()
            _ = try await validator.validate(
                posted: try Fixture.posted("valid.xml"), identityProviders: try Fixture.identityProviders(),
                expectedRequestID: Fixture.requestID, now: Fixture.instant.addingTimeInterval(offset))
        }
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Fixture.validator().validate(
                posted: try Fixture.posted("valid.xml"), identityProviders: try Fixture.identityProviders(),
                expectedRequestID: Fixture.requestID, now: Fixture.instant.addingTimeInterval(391))
        }
        #expect(error?.code == .expired)
    }

    @Test func errorStatusWithoutAssertionReportsTheStatus() async throws {
        let xml = try Fixture.text("saml/invalid/statusNotSuccess.xml")
        let withoutAssertion = xml.replacingOccurrences(
            of: #"(?s)  <saml:Assertion .*</saml:Assertion>\n"#, with: "", options: .regularExpression)
        #expect(withoutAssertion != xml)
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Fixture.validator().validate(
                posted: withoutAssertion, identityProviders: try Fixture.identityProviders(),
                expectedRequestID: Fixture.requestID, now: Fixture.instant)
        }
        #expect(error?.code == .statusNotSuccess)
        #expect(error?.detail.contains("AuthnFailed") == true)
    }

    @Test func idpWithoutCertificatesIsAHardError() async throws {
        let idp = IdentityProvider(entityID: Fixture.idpEntityID, signingKeys: [])
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Fixture.validator().validate(
                posted: try Fixture.posted("valid.xml"), identityProviders: [idp],
                expectedRequestID: Fixture.requestID, now: Fixture.instant)
        }
        #expect(error?.code == .untrustedKey)
    }

    @Test func decryptionWithoutOurKeyFails() async throws {
        var policy = try Fixture.policy()
        policy.decryptionKeys = [try DecryptionKey(privateKeyPEM: try Fixture.key("sp2.key"))]
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Fixture.validate("encrypted.xml", validator: try Fixture.validator(policy))
        }
        #expect(error?.code == .decryptionFailed)
    }

    @Test(arguments: ["", "not base64 !!!", "PD94bWw=", "<samlp:Response", String(repeating: "A", count: 2_000_000)])
    func garbageInputIsRejectedWithoutCrashing(_ input: String) async throws {
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Fixture.validator().validate(
                posted: input, identityProviders: try Fixture.identityProviders(),
                expectedRequestID: Fixture.requestID, now: Fixture.instant)
        }
        #expect([.malformed, .tooLarge].contains(error?.code))
    }

    @Test func errorNamesTheIssuerOnceKnown() async throws {
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Fixture.validate("invalid/audienceMismatch.xml")
        }
        #expect(error?.issuer == Fixture.idpEntityID)
        #expect(error?.description.hasPrefix("audienceMismatch: expected https://sp.example.com/saml/metadata") == true)
    }
}
