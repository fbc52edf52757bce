import Foundation
import SAML
import Testing
import XMLSecurity

/// Signature wrapping of a posted LogoutRequest, and EncryptedID: the principal is read only
/// from the element whose signature verified.
@Suite struct LogoutRequestWrappingTests {
    typealias F = LogoutFixture

    static let evil = "<saml:NameID>admin@evil.example</saml:NameID>"

    /// The signed request split into its opening tag, Issuer, Signature and the rest.
    static func parts() throws -> (open: String, issuer: String, signature: String, rest: String) {
        let signed = try F.signed(F.idpRequest().xml)
        let issuerEnd = try #require(signed.range(of: "</saml:Issuer>"))
        let signatureStart = try #require(signed.range(of: "<ds:Signature"))
        let signatureEnd = try #require(signed.range(of: "</ds:Signature>"))
        let issuerStart = try #require(signed.range(of: "<saml:Issuer>"))
        return (
            String(signed[..<issuerStart.lowerBound]), String(signed[issuerStart.lowerBound..<issuerEnd.upperBound]),
            String(signed[signatureStart.lowerBound..<signatureEnd.upperBound]), String(signed[signatureEnd.upperBound...])
        )
    }

    /// Each wrapping layout with the check that must stop it.
    static let layouts: [(String, SAMLValidationError.Code)] = [
        ("signed request hidden in the Extensions of an unsigned one", .signatureMissing),
        ("signature moved to an outer request with its own ID", .signatureInvalid),
        ("outer request reusing the signed request's ID", .signatureInvalid),
        ("second NameID inserted into the signed request", .signatureInvalid),
        ("NameID hidden in a ds:Object of the signature", .signatureInvalid),
    ]

    static func wrapped(_ index: Int) throws -> String {
        let (open, issuer, signature, rest) = try parts()
        let original = open + issuer + signature + rest
        let unsignedOriginal = open + issuer + rest
        let evilOpen = open.replacingOccurrences(of: "ID=\"_lr-4c1d\"", with: "ID=\"_evil-1\"")
        let tail = "</samlp:LogoutRequest>"
        switch index {
        case 0: return evilOpen + issuer + "<samlp:Extensions>" + original + "</samlp:Extensions>" + evil + tail
        case 1: return evilOpen + issuer + signature + "<samlp:Extensions>" + unsignedOriginal + "</samlp:Extensions>" + evil + tail
        case 2: return open + issuer + signature + "<samlp:Extensions>" + unsignedOriginal + "</samlp:Extensions>" + evil + tail
        case 3: return open + issuer + signature + evil + rest
        default:
            let withObject = signature.replacingOccurrences(
                of: "</ds:Signature>", with: "<ds:Object>" + evil + "</ds:Object></ds:Signature>")
            return open + issuer + withObject + rest
        }
    }

    @Test(arguments: layouts.indices)
    func wrappedLogoutRequestIsRefused(_ index: Int) async throws {
        let xml = try Self.wrapped(index)
        #expect(xml.contains("admin@evil.example"))
        let (layout, code) = Self.layouts[index]
        do {
            let validated = try await LogoutTests.validate(post: xml)
            Issue.record("\(layout): accepted, NameID \(validated.request.nameID)")
        } catch let error as SAMLValidationError {
            #expect(error.code == code, "\(layout): \(error)")
        }
    }

    @Test func theUnwrappedSignedRequestStillVerifies() async throws {
        let (open, issuer, signature, rest) = try Self.parts()
        let validated = try await LogoutTests.validate(post: open + issuer + signature + rest)
        #expect(validated.request.nameID == "ada@example.com")
    }

    // EncryptedID: Fixtures/saml/logout/ (generate-logout.sh) holds unsigned requests whose
    // NameID xmlsec1 encrypted; the IdP's signature over them is made here.

    static func encryptedRequest(_ name: String) throws -> String {
        try F.signed(try Fixture.text("saml/logout/" + name))
    }

    @Test func encryptedIDIsDecryptedWithTheSPKey() async throws {
        let validated = try await LogoutTests.validate(post: try Self.encryptedRequest("encrypted-id-request.xml"))
        let request = validated.request
        #expect(request.id == "_lr-enc-7d2a")
        #expect(request.nameID == "_9f3c1e-persistent-ada")
        #expect(request.nameIDFormat == NameIDFormat.persistent)
        #expect(request.nameQualifier == Fixture.idpEntityID)
        #expect(request.spNameQualifier == Fixture.spEntityID)
        #expect(request.sessionIndexes == ["_session-91e2"])
    }

    @Test func encryptedIDForAnotherKeyIsRefused() async throws {
        let error = await #expect(throws: SAMLValidationError.self) {
            try await LogoutTests.validate(post: try Self.encryptedRequest("encrypted-id-request-sp2.xml"))
        }
        #expect(error?.code == .decryptionFailed)
    }

    @Test func encryptedIDWithoutADecryptionKeyIsRefusedClearly() async throws {
        var policy = try F.policy()
        policy.decryptionKeys = []
        let message = try InboundLogoutMessage(postForm: F.postForm(try Self.encryptedRequest("encrypted-id-request.xml")))
        let error = await #expect(throws: SAMLValidationError.self) {
            try await LogoutValidator(policy: policy).validateRequest(
                message, identityProvider: try F.registry(), replayCache: InMemoryReplayCache(), now: F.now)
        }
        #expect(error?.code == .decryptionFailed)
        #expect(error?.detail.contains("no decryption key") == true)
        // Reading the element directly cannot decrypt, and says so.
        let direct = #expect(throws: SAMLValidationError.self) {
            try LogoutRequest(element: try XMLDocument(parsing: try Fixture.text("saml/logout/encrypted-id-request.xml")).root)
        }
        #expect(direct?.code == .nameIDMissing)
        #expect(direct?.detail.contains("EncryptedID") == true)
    }
}
