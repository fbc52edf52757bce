import Foundation
import SAML
import Testing
import XMLSecurity

/// What we send: the SP-initiated LogoutRequest and our LogoutResponse, signed for their binding.
@Suite struct LogoutBuilderTests {
    typealias F = LogoutFixture

    static let subject = LogoutSubject(
        nameID: "_9f3c1e-persistent-ada", format: NameIDFormat.persistent, nameQualifier: Fixture.idpEntityID,
        spNameQualifier: Fixture.spEntityID, sessionIndexes: ["_session-91e2"])

    /// Verifies a redirect URL's query signature with `certificate` and returns the message root.
    static func verifiedRedirect(_ url: String, endpoint: String, certificate: String = "sp") throws -> (XMLElement, RedirectMessage) {
        #expect(url.hasPrefix(endpoint + "?"))
        let message = try RedirectMessage(query: try F.query(of: url))
        try message.verifySignature(trustedKeys: [try Fixture.trustedKey(certificate)])
        return (try XMLDocument(parsing: message.xml).root, message)
    }

    @Test(arguments: [("sp", SignatureAlgorithm.rsaSHA256), ("idp-ec", .ecdsaSHA256)])
    func spInitiatedRequestIsSignedForRedirect(_ key: String, _ algorithm: SignatureAlgorithm) throws {
        let builder = try F.builder(key: key)
        #expect(builder.algorithm == algorithm)
        let built = try #require(
            try builder.request(for: Self.subject, to: try F.idp(), relayState: "pending-7", now: F.now, id: "_out-1"))
        guard case .redirect(let url) = built.message else {
            Issue.record("expected a redirect, got \(built.message)")
            return
        }
        let (root, message) = try Self.verifiedRedirect(url, endpoint: F.idpRedirect, certificate: key)
        #expect(message.signatureAlgorithmURI == algorithm.rawValue)
        #expect(message.relayState == "pending-7")
        let sent = try LogoutRequest(element: root)
        #expect(sent == built.request)
        #expect(sent.id == "_out-1")
        #expect(sent.issuer == Fixture.spEntityID)
        #expect(sent.issueInstant == F.now)
        #expect(sent.destination == F.idpRedirect)
        #expect(sent.notOnOrAfter == F.now.addingTimeInterval(300))
        #expect(sent.nameID == Self.subject.nameID)
        #expect(sent.nameIDFormat == NameIDFormat.persistent)
        #expect(sent.nameQualifier == Fixture.idpEntityID)
        #expect(sent.spNameQualifier == Fixture.spEntityID)
        #expect(sent.sessionIndexes == ["_session-91e2"])
        // The query signature is over the exact octets: SAMLRequest, RelayState, SigAlg in that order.
        let query = try F.query(of: url)
        let signed = String(query[..<query.range(of: "&Signature=")!.lowerBound])
        #expect(message.signedBytes == Array(signed.utf8))
    }

    @Test func requestGoesByPostWhenTheIdPOffersOnlyPost() throws {
        let idp = try F.idp(endpoints: [Endpoint(binding: SAMLBinding.httpPOST, location: F.idpPOST)])
        let built = try #require(try F.builder().request(for: Self.subject, to: idp, relayState: "pending-7", now: F.now))
        guard case .post(let form) = built.message else {
            Issue.record("expected a form, got \(built.message)")
            return
        }
        #expect(form.action == F.idpPOST)
        #expect(form.parameter == .request)
        #expect(form.relayState == "pending-7")
        #expect(form.html.contains("action=\"\(F.idpPOST)\""))
        #expect(form.html.contains("name=\"SAMLRequest\" value=\"\(form.value)\""))
        #expect(form.html.contains("<title>Signing out…</title>"))
        let document = try XMLDocument(parsing: F.xml(ofPosted: form.value))
        let verified = try SignatureVerifier.verify(document.root, trustedKeys: [try Fixture.trustedKey("sp")]).element
        #expect(try LogoutRequest(element: verified) == built.request)
        #expect(built.request.destination == F.idpPOST)
    }

    @Test func idpWithoutFrontChannelLogoutGetsNoRequest() throws {
        let idp = try F.idp(endpoints: [Endpoint(binding: SAMLBinding.soap, location: F.idpSOAP)])
        #expect(try F.builder().request(for: Self.subject, to: idp, relayState: nil, now: F.now) == nil)
    }

    @Test func subjectComesFromTheLoginIdentity() async throws {
        let identity = try await Fixture.validate("valid.xml")
        let subject = LogoutSubject(identity)
        #expect(subject.nameID == "ada@example.com")
        #expect(subject.format == NameIDFormat.emailAddress)
        #expect(subject.sessionIndexes == ["_session-91e2"])
    }

    @Test func ourRequestRoundTripsThroughTheIdPsValidation() async throws {
        // Seen from the IdP: our request, validated with our certificate, as any SP's would be.
        let built = try #require(try F.builder().request(for: Self.subject, to: try F.idp(), relayState: "r", now: F.now))
        guard case .redirect(let url) = built.message else { return }
        var idpSide = LogoutPolicy(entityID: Fixture.idpEntityID, singleLogoutServiceURL: F.idpRedirect)
        idpSide.decryptionKeys = []
        let sp = IdentityProvider(entityID: Fixture.spEntityID, signingKeys: [try Fixture.trustedKey("sp")])
        let validated = try await LogoutValidator(policy: idpSide).validateRequest(
            try InboundLogoutMessage(redirectQuery: try F.query(of: url)), identityProvider: { $0 == sp.entityID ? sp : nil },
            replayCache: InMemoryReplayCache(), now: F.now)
        #expect(validated.request == built.request)
    }

    static func validatedRequest(post: Bool) async throws -> ValidatedLogoutRequest {
        post
            ? try await LogoutTests.validate(post: try F.signed(F.idpRequest().xml))
            : try await LogoutTests.validate(redirect: try F.redirect(F.idpRequest().xml, relayState: "idp-state"))
    }

    @Test func responseToARedirectRequestGoesToTheResponseLocation() async throws {
        let validated = try await Self.validatedRequest(post: false)
        let message = try F.builder().response(to: validated, status: .success, now: F.now, id: "_resp-ours")
        guard case .redirect(let url) = message else {
            Issue.record("expected a redirect, got \(String(describing: message))")
            return
        }
        let (root, redirect) = try Self.verifiedRedirect(url, endpoint: F.idpRedirectResponses)
        #expect(redirect.parameter == .response)
        #expect(redirect.relayState == "idp-state")
        let response = try LogoutResponse(element: root)
        #expect(response.id == "_resp-ours")
        #expect(response.inResponseTo == "_lr-4c1d")
        #expect(response.destination == F.idpRedirectResponses)
        #expect(response.issuer == Fixture.spEntityID)
        #expect(response.statusCode == SAMLNamespace.statusSuccess)
        #expect(response.subStatusCode == nil)
    }

    @Test(arguments: [
        (LogoutStatus.partialLogout, SAMLNamespace.statusSuccess, SAMLNamespace.statusPartialLogout as String?, nil as String?),
        (.requester(message: "no such session"), SAMLNamespace.statusRequester, nil, "no such session"),
        (.responder(message: nil), SAMLNamespace.statusResponder, nil, nil),
    ])
    func responseToAPostRequestIsAPostFormWithTheStatus(_ status: LogoutStatus, _ top: String, _ second: String?, _ text: String?)
        async throws
    {
        let validated = try await Self.validatedRequest(post: true)
        guard case .post(let form) = try F.builder().response(to: validated, status: status, now: F.now) else {
            Issue.record("expected a form")
            return
        }
        #expect(form.action == F.idpPOST)
        #expect(form.parameter == .response)
        #expect(form.relayState == "rs-1")
        let document = try XMLDocument(parsing: F.xml(ofPosted: form.value))
        let verified = try SignatureVerifier.verify(document.root, trustedKeys: [try Fixture.trustedKey("sp")]).element
        let response = try LogoutResponse(element: verified)
        #expect(response.statusCode == top)
        #expect(response.subStatusCode == second)
        #expect(response.statusMessage == text)
        #expect(response.destination == F.idpPOST)
        #expect(response.inResponseTo == "_lr-4c1d")
    }

    @Test func noFrontChannelEndpointMeansNothingToSend() async throws {
        let idp = try F.idp(endpoints: [])
        let validated = try await LogoutTests.validate(
            redirect: try F.redirect(F.idpRequest().xml), registry: { $0 == idp.entityID ? idp : nil })
        #expect(try F.builder().response(to: validated, status: .success, now: F.now) == nil)
    }
}
