import Foundation
import SAML
import Testing
import XMLSecurity

/// IdP-initiated Single Logout: an IdP's LogoutRequest by HTTP-Redirect and HTTP-POST. Every
/// rejection test sends a message that differs from ``LogoutFixture/idpRequest()`` by one flaw.
@Suite struct LogoutTests {
    typealias F = LogoutFixture

    static func validate(
        redirect query: String, registry: ((String) -> IdentityProvider?)? = nil, cache: any ReplayCache = InMemoryReplayCache(),
        now: Date = F.now
    ) async throws -> ValidatedLogoutRequest {
        try await F.validator().validateRequest(
            try InboundLogoutMessage(redirectQuery: query), identityProvider: try registry ?? F.registry(), replayCache: cache, now: now)
    }

    static func validate(
        post xml: String, registry: ((String) -> IdentityProvider?)? = nil, cache: any ReplayCache = InMemoryReplayCache(),
        now: Date = F.now
    ) async throws -> ValidatedLogoutRequest {
        try await F.validator().validateRequest(
            try InboundLogoutMessage(postForm: F.postForm(xml)), identityProvider: try registry ?? F.registry(), replayCache: cache,
            now: now)
    }

    /// The code of the rejection of `request` sent by signed redirect (signed by `key`).
    static func redirectRejection(_ request: LogoutRequest, key: String = "idp-rsa", now: Date = F.now) async -> SAMLValidationError.Code? {
        do {
            _ = try await validate(redirect: try F.redirect(request.xml, key: key), now: now)
            return nil
        } catch let error as SAMLValidationError {
            return error.code
        } catch {
            return nil
        }
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

    @Test func signedRedirectLogoutRequestFromTheIdPIsAccepted() async throws {
        let validated = try await Self.validate(redirect: try F.redirect(F.idpRequest().xml, relayState: "r"))
        #expect(validated.request == F.idpRequest())
        #expect(validated.identityProvider.entityID == Fixture.idpEntityID)
        #expect(validated.binding == .httpRedirect)
        #expect(validated.relayState == "r")
    }

    @Test func signedPostLogoutRequestFromTheIdPIsAccepted() async throws {
        let validated = try await Self.validate(post: try F.signed(F.idpRequest().xml))
        #expect(validated.request == F.idpRequest())
        #expect(validated.request.sessionIndexes == ["_session-91e2"])
        #expect(validated.binding == .httpPOST)
        #expect(validated.relayState == "rs-1")
    }

    @Test func ecdsaSignedRedirectIsAccepted() async throws {
        let query = try F.redirect(F.idpRequest().xml, key: "idp-ec", algorithm: .ecdsaSHA256)
        let validated = try await Self.validate(redirect: query, registry: try F.registry(keys: ["idp-rsa", "idp-ec"]))
        #expect(validated.request.nameID == "ada@example.com")
    }

    @Test func eitherCertificateOfARolloverVerifies() async throws {
        let registry = try F.registry(keys: ["idp-rsa", "idp-rsa2"])
        for key in ["idp-rsa", "idp-rsa2"] {
            _ = try await Self.validate(redirect: try F.redirect(F.idpRequest().xml, key: key), registry: registry)
            _ = try await Self.validate(post: try F.signed(F.idpRequest().xml, key: key), registry: registry)
        }
        // Without the second certificate, the new key is not trusted.
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(redirect: try F.redirect(F.idpRequest().xml, key: "idp-rsa2"))
        }
        #expect(error?.code == .signatureInvalid)
    }

    @Test func sessionIndexesMayBeAbsentOrSeveral() async throws {
        for indexes in [[], ["_s1", "_s2", "_s3"]] {
            var request = F.idpRequest()
            request.sessionIndexes = indexes
            let validated = try await Self.validate(post: try F.signed(request.xml))
            #expect(validated.request.sessionIndexes == indexes)
        }
    }

    @Test func unsignedLogoutRequestIsRefused() async throws {
        let redirect = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(redirect: try F.redirect(F.idpRequest().xml, key: nil))
        }
        #expect(redirect?.code == .signatureMissing)
        let post = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(post: F.idpRequest().xml)
        }
        #expect(post?.code == .signatureMissing)
    }

    @Test func requestSignedByAnAttackerIsRefused() async throws {
        #expect(await Self.redirectRejection(F.idpRequest(), key: "attacker") == .signatureInvalid)
        let post = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(post: try F.signed(F.idpRequest().xml, key: "attacker"))
        }
        #expect(post?.code == .untrustedKey)
    }

    @Test func requestNamingAnotherRegisteredIdPIsCheckedWithThatIdPsKeys() async throws {
        // Signed by the main IdP's key but claiming to come from the other IdP: the claim picks
        // the other IdP's certificate, which does not verify the main IdP's signature.
        var request = F.idpRequest()
        request.issuer = F.otherIdPEntityID
        #expect(await Self.redirectRejection(request) == .signatureInvalid)
        let post = await #expect(throws: SAMLValidationError.self) { try await Self.validate(post: try F.signed(request.xml)) }
        #expect(post?.code == .untrustedKey)
    }

    @Test func requestFromAnUnregisteredIdPIsRefused() async {
        var request = F.idpRequest()
        request.issuer = "https://unknown-idp.example.net/metadata"
        #expect(await Self.redirectRejection(request) == .unknownIssuer)
    }

    @Test func destinationMustBeOurSingleLogoutURL() async {
        var wrong = F.idpRequest()
        wrong.destination = "https://other-sp.example.com/slo"
        #expect(await Self.redirectRejection(wrong) == .destinationMismatch)
        var soapURL = F.idpRequest()
        soapURL.destination = F.soap
        #expect(await Self.redirectRejection(soapURL) == .destinationMismatch)
        var missing = F.idpRequest()
        missing.destination = nil
        #expect(await Self.redirectRejection(missing) == .destinationMissing)
    }

    @Test func expiredNotOnOrAfterIsRefusedBeyondTheClockSkew() async {
        // NotOnOrAfter is now + 300 s; the skew is 90 s.
        #expect(await Self.redirectRejection(F.idpRequest(), now: F.now.addingTimeInterval(389)) == nil)
        #expect(await Self.redirectRejection(F.idpRequest(), now: F.now.addingTimeInterval(390)) == .expired)
    }

    @Test func issueInstantTooFarInTheFutureOrPastIsRefused() async {
        var future = F.idpRequest()
        future.issueInstant = F.now.addingTimeInterval(91)
        #expect(await Self.redirectRejection(future) == .notYetValid)
        var old = F.idpRequest()
        old.notOnOrAfter = nil
        old.issueInstant = F.now.addingTimeInterval(-391)
        #expect(await Self.redirectRejection(old) == .expired)
        old.issueInstant = F.now.addingTimeInterval(-389)
        #expect(await Self.redirectRejection(old) == nil)
    }

    @Test func replayedRequestIsRefused() async throws {
        let cache = InMemoryReplayCache()
        let query = try F.redirect(F.idpRequest().xml)
        _ = try await Self.validate(redirect: query, cache: cache)
        let error = await #expect(throws: SAMLValidationError.self) { try await Self.validate(redirect: query, cache: cache) }
        #expect(error?.code == .replayed)
        // The same ID over the other binding is the same request.
        let post = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(post: try F.signed(F.idpRequest().xml), cache: cache)
        }
        #expect(post?.code == .replayed)
    }

    @Test func unavailableReplayCacheFailsClosed() async throws {
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(redirect: try F.redirect(F.idpRequest().xml), cache: FailingReplayCache())
        }
        #expect(error?.code == .replayed)
    }

    @Test func wrongMessageTypeOrVersionIsMalformed() async throws {
        // A LogoutRequest under the SAMLResponse parameter.
        let swapped = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(redirect: try F.redirect(F.idpRequest().xml, parameter: .response))
        }
        #expect(swapped?.code == .malformed)
        // A LogoutResponse where a request is expected.
        let response = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(redirect: try F.redirect(F.idpResponse().xml))
        }
        #expect(response?.code == .malformed)
        let version = F.idpRequest().xml.replacingOccurrences(of: "Version=\"2.0\"", with: "Version=\"1.1\"")
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(redirect: try F.redirect(version))
        }
        #expect(error?.code == .malformed)
    }

    @Test func twoNameIDsAreMalformed() async throws {
        let xml = F.idpRequest().xml.replacingOccurrences(
            of: "<samlp:SessionIndex>", with: "<saml:NameID>admin@evil.example</saml:NameID><samlp:SessionIndex>")
        let error = await #expect(throws: SAMLValidationError.self) { try await Self.validate(post: try F.signed(xml)) }
        #expect(error?.code == .malformed)
    }

    @Test func logoutRequestSignedByPysaml2IsAccepted() async throws {
        // Fixtures/captured/pysaml2/logout-request.xml: made and signed by pysaml2 through xmlsec1.
        let xml = try Fixture.text("captured/pysaml2/logout-request.xml")
        let entityID = "https://idp.example.com/pysaml2/metadata"
        let pysaml2 = IdentityProvider(entityID: entityID, signingKeys: [try Fixture.trustedKey("idp-rsa")])
        let validated = try await Self.validate(post: xml, registry: { $0 == entityID ? pysaml2 : nil })
        let request = validated.request
        #expect(request.id == "id-pysaml2-logout-5b7e")
        #expect(request.nameID == "id-4f0a9c2e7d1b")
        #expect(request.nameIDFormat == NameIDFormat.transient)
        #expect(request.nameQualifier == entityID)
        #expect(request.spNameQualifier == Fixture.spEntityID)
        #expect(request.sessionIndexes == ["_pysaml2-session-1", "_pysaml2-session-2"])
        #expect(request.reason == "urn:oasis:names:tc:SAML:2.0:logout:admin")
        // One changed byte in the signed content and it no longer verifies.
        let tampered = xml.replacingOccurrences(of: ">id-4f0a9c2e7d1b<", with: ">id-4f0a9c2e7d1c<")
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(post: tampered, registry: { $0 == entityID ? pysaml2 : nil })
        }
        #expect(error?.code == .signatureInvalid)
    }
}
