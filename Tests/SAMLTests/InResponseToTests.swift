import Foundation
import SAML
import Testing

/// Allowing unsolicited responses admits those that name no request, never one that names a
/// request nobody here is waiting for.
@Suite struct InResponseToTests {
    static func allowingUnsolicited() throws -> ResponseValidator {
        var policy = try Fixture.policy()
        policy.allowsUnsolicited = true
        return try Fixture.validator(policy)
    }

    @Test func responseNamingARequestIsRefusedWhenNoneIsPendingEvenIfUnsolicitedIsAllowed() async throws {
        // valid.xml answers _req-3c8d41a2 (Response and SubjectConfirmationData).
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Fixture.validate("valid.xml", validator: try Self.allowingUnsolicited(), expectedRequestID: nil)
        }
        #expect(error?.code == .inResponseToMismatch)
        #expect(error?.issuer == Fixture.idpEntityID)
    }

    @Test func responseNamingNoRequestIsAcceptedWhenUnsolicitedIsAllowed() async throws {
        // The same response as valid.xml without InResponseTo anywhere.
        let identity = try await Fixture.validate(
            "invalid/unsolicitedNotAllowed.xml", validator: try Self.allowingUnsolicited(), expectedRequestID: nil)
        #expect(identity.nameID == "ada@example.com")
    }

    @Test func verifyResponseWithAllowUnsolicitedRefusesAResponseNamingARequest() async throws {
        var input = ResponseVerification.Input(
            responseText: try Fixture.posted("valid.xml"), metadata: try Fixture.bytes("saml/metadata/idp.xml"),
            spEntityID: Fixture.spEntityID, acsURL: Fixture.acsURL, now: Fixture.instant, inResponseTo: nil,
            allowsUnsolicited: true)
        do {
            _ = try await ResponseVerification.run(input)
            Issue.record("accepted a response to _req-3c8d41a2 with no request given")
        } catch {
            #expect(error.exitCode == 1)
            #expect(error.description.hasPrefix("inResponseToMismatch: "))
        }
        input.responseText = try Fixture.posted("invalid/unsolicitedNotAllowed.xml")
        #expect(try await ResponseVerification.run(input).nameID == "ada@example.com")
    }
}
