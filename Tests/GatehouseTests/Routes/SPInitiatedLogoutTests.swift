import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SAML
import Testing
import XMLSecurity

/// SP-initiated Single Logout: `POST <prefix>/logout` ends the session, then sends the IdP a
/// signed LogoutRequest; the IdP's LogoutResponse at `<prefix>/slo` is accepted only as the
/// verified answer to it. Real SAML login service, the committed SP key, an echo upstream, and
/// IdP messages signed at test time with the IdP keys under `Fixtures/keys`.
@Suite struct SPInitiatedLogoutTests {
    typealias IdP = SingleLogoutRouteTests
    /// Another registered IdP (`keys/idp-rsa2`) with both front-channel SLO bindings.
    static let otherID = "https://other.test.example/metadata"
    /// A registered IdP (`keys/idp-rsa`) whose only SingleLogoutService is HTTP-POST.
    static let postOnlyID = "https://post-only.test.example/metadata"
    static let postOnlySLO = "https://post-only.test.example/slo/post"
    /// A registered IdP (`keys/idp-rsa`) without any SingleLogoutService.
    static let noSLOID = "https://no-slo.test.example/metadata"
    static let spEntityID = "http://localhost/saml/metadata"
    static let persistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    static let partialLogout = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout"

    struct Harness {
        let client: any TestClientProtocol
        let gateway: Gateway
        let config: GatehouseConfig
        let log: LogLineEscapingTests.Capture

        static func run(
            spKey: Bool = true, configure: @Sendable (inout GatehouseConfig) -> Void = { _ in },
            _ body: @Sendable (Harness) async throws -> Void
        ) async throws {
            let echo = EchoUpstream.makeApplication()
            try await echo.test(.live) { upstream in
                var config = GatehouseConfig(
                    externalURL: "http://localhost", upstreams: [.init(url: "http://127.0.0.1:\(upstream.port ?? 0)")])
                config.listen = ListenSettings(address: "127.0.0.1", port: 0)
                config.cookie.secure = false
                config.session.store = .memory
                if spKey {
                    config.serviceProvider = ServiceProviderSettings(
                        keyPath: TestPaths.fixture("keys/sp.key"), certificatePath: TestPaths.fixture("keys/sp.crt"))
                }
                configure(&config)
                let keys = spKey ? try ServiceProviderKeys.load(config.serviceProvider) : nil
                let registry = try IdentityProviderRegistry(documents: [
                    ("idp.xml", Array(try IdP.idpMetadata().utf8)),
                    ("other.xml", Array(try SPInitiatedLogoutTests.metadata(otherID, key: "idp-rsa2", post: true, redirect: true).utf8)),
                    ("post.xml", Array(try SPInitiatedLogoutTests.metadata(postOnlyID, key: "idp-rsa", post: true, redirect: false).utf8)),
                    ("none.xml", Array(try SPInitiatedLogoutTests.metadata(noSLOID, key: "idp-rsa", post: false, redirect: false).utf8)),
                ])
                let gateway = Gateway(
                    config: config, store: MemorySessionStore(),
                    loginService: SAMLLoginService(
                        resolved: try ResolvedConfig(config: config, serviceProviderKeys: keys, registry: registry)))
                let settings = config
                let log = LogLineEscapingTests.Capture()
                let logger = Logger(label: "gatehouse-test", factory: JSONLogHandler.factory(for: LogSettings(format: .text), stream: log))
                let app = GatehouseApplication.make(gateway: gateway, logger: logger)
                do {
                    try await app.test(.live) { client in
                        try await body(Harness(client: client, gateway: gateway, config: settings, log: log))
                    }
                } catch {
                    await gateway.shutdown()
                    throw error
                }
                await gateway.shutdown()
            }
        }

        /// A session as the ACS creates it, for alice at `issuer`, NameID qualified.
        func session(at issuer: String = IdP.idpID) async throws -> String {
            try await gateway.store.create(identity: SPInitiatedLogoutTests.alice(at: issuer))
        }

        /// `POST /saml/logout` from a page of this site, with `session`'s cookie.
        func logout(_ session: String) async throws -> TestResponse {
            try await client.execute(
                uri: "/saml/logout", method: .post,
                headers: [.cookie: "\(config.cookie.name)=\(session)", .origin: "http://localhost"])
        }

        /// Whether `session` still passes: the proxy (to the echo upstream), forward-auth and
        /// whoami must all agree.
        func isLive(_ session: String) async throws -> Bool {
            let cookie = "\(config.cookie.name)=\(session)"
            let proxied = try await client.execute(uri: "/docs", method: .get, headers: [.cookie: cookie, .accept: "text/html"])
            let auth = try await client.execute(
                uri: "/saml/auth", method: .get, headers: [.cookie: cookie, HTTPField.Name("X-Original-URI")!: "/docs"])
            let whoami = try await client.execute(uri: "/saml/whoami", method: .get, headers: [.cookie: cookie])
            let answers = [proxied.status == .ok, auth.status == .ok, whoami.status == .ok]
            #expect(Set(answers).count == 1, "proxy \(proxied.status), forward-auth \(auth.status), whoami \(whoami.status)")
            if !answers[0] { #expect(proxied.status == .found) }
            if !answers[1] { #expect(auth.status == .unauthorized) }
            return answers.allSatisfy { $0 }
        }

        /// The IdP's answer by HTTP-Redirect: `GET /saml/slo?<query>`.
        func redirectAnswer(_ query: String) async throws -> TestResponse {
            try await client.execute(uri: "/saml/slo?" + query, method: .get)
        }

        /// The IdP's answer by HTTP-POST: the signed XML, base64, with `relayState`.
        func postAnswer(_ signedXML: [UInt8], relayState: String) async throws -> TestResponse {
            let form =
                "SAMLResponse=" + GatewayHarness.formEncode(Data(signedXML).base64EncodedString()) + "&RelayState="
                + GatewayHarness.formEncode(relayState)
            return try await client.execute(
                uri: "/saml/slo", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: form))
        }
    }

    static func alice(at issuer: String) -> SessionIdentity {
        SessionIdentity(
            nameID: "alice-7f3e", nameIDFormat: persistent, nameQualifier: issuer, spNameQualifier: spEntityID, issuer: issuer,
            sessionIndex: "idx-alice", attributes: ["email": ["alice@test.example"]])
    }

    static func metadata(_ entityID: String, key: String, post: Bool, redirect: Bool) throws -> String {
        var services = ""
        if redirect {
            services += "<md:SingleLogoutService Binding=\"\(SAMLBinding.httpRedirect)\" Location=\"\(entityID)/slo/redirect\"/>"
        }
        if post {
            let location = entityID == postOnlyID ? postOnlySLO : entityID + "/slo/post"
            services += "<md:SingleLogoutService Binding=\"\(SAMLBinding.httpPOST)\" Location=\"\(location)\"/>"
        }
        return """
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" \
            entityID="\(entityID)"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\
            <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(try IdP.certificate(key))\
            </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\(services)\
            <md:SingleSignOnService Binding="\(SAMLBinding.httpRedirect)" Location="\(entityID)/sso"/>\
            </md:IDPSSODescriptor></md:EntityDescriptor>
            """
    }

    /// What the IdP receives, checked as an IdP checks it: the gateway plays the IdP's part in
    /// a validator whose "own" SLO URL is `idpSLO` and whose one trusted sender is the SP,
    /// by `keys/sp.crt`. So the signature (over the raw query, or enveloped), the Issuer,
    /// Destination and freshness are all verified.
    static func received(_ message: InboundLogoutMessage, at idpSLO: String, idp: String = IdP.idpID) async throws
        -> ValidatedLogoutRequest
    {
        let sp = IdentityProvider(
            entityID: spEntityID,
            signingKeys: [try TrustedKey(certificatePEM: try String(contentsOfFile: TestPaths.fixture("keys/sp.crt"), encoding: .utf8))])
        let validator = LogoutValidator(policy: LogoutPolicy(entityID: idp, singleLogoutServiceURL: idpSLO))
        return try await validator.validateRequest(
            message, identityProvider: { $0 == spEntityID ? sp : nil }, replayCache: InMemoryReplayCache(), now: Date())
    }

    /// The LogoutRequest the gateway sent by HTTP-Redirect in `answer`, verified.
    static func redirected(_ answer: TestResponse, to endpoint: String = IdP.idpRedirect) async throws -> ValidatedLogoutRequest {
        #expect(answer.status == .seeOther)
        let location = try #require(answer.headers[.location])
        #expect(location.hasPrefix(endpoint + "?SAMLRequest="))
        let query = String(location.dropFirst(endpoint.count + 1))
        let names = query.split(separator: "&").map { $0.split(separator: "=", maxSplits: 1)[0] }
        #expect(names == ["SAMLRequest", "RelayState", "SigAlg", "Signature"])
        return try await received(try InboundLogoutMessage(redirectQuery: query), at: endpoint)
    }

    /// The IdP's LogoutResponse to `request`; each refusal test changes one thing.
    static func answer(
        to request: ValidatedLogoutRequest, inResponseTo: String? = nil, issuer: String = IdP.idpID, issued: Date = Date(),
        destination: String = IdP.slo, status: String = SAMLNamespace.statusSuccess, subStatus: String? = nil
    ) -> LogoutResponse {
        var response = LogoutResponse(
            id: "_lresp-\(UUID().uuidString)", issueInstant: issued, destination: destination, issuer: issuer,
            inResponseTo: inResponseTo ?? request.request.id, statusCode: status)
        response.subStatusCode = subStatus
        return response
    }

    static func redirectQuery(_ response: LogoutResponse, relayState: String?, key: String? = "idp-rsa") throws -> String {
        try HTTPRedirectBinding.encode(
            response.xml, parameter: .response, relayState: relayState, signingKey: try key.map { try IdP.key($0) },
            algorithm: .rsaSHA256)
    }

    static func page(_ response: TestResponse) -> String { String(buffer: response.body) }

    static func clearsSession(_ response: TestResponse, _ harness: Harness) -> Bool {
        response.headers[values: .setCookie].contains { $0.hasPrefix(harness.config.cookie.name + "=;") && $0.contains("Max-Age=0") }
    }

    // MARK: - The request

    @Test func logoutEndsTheSessionEverywhereThenRedirectsASignedLogoutRequest() async throws {
        try await Harness.run { harness in
            let alice = try await harness.session()
            let bob = try await harness.gateway.store.create(
                identity: SessionIdentity(nameID: "bob", issuer: IdP.idpID, sessionIndex: "idx-bob"))
            #expect(try await harness.isLive(alice))

            let out = try await harness.logout(alice)
            #expect(Self.clearsSession(out, harness))
            #expect(out.headers[.cacheControl] == "no-store")
            let sent = try await Self.redirected(out)
            #expect(try await harness.isLive(alice) == false)
            #expect(try await harness.isLive(bob))

            let request = sent.request
            #expect(request.issuer == Self.spEntityID)
            #expect(request.destination == IdP.idpRedirect)
            #expect(request.nameID == "alice-7f3e")
            #expect(request.nameIDFormat == Self.persistent)
            #expect(request.nameQualifier == IdP.idpID)
            #expect(request.spNameQualifier == Self.spEntityID)
            #expect(request.sessionIndexes == ["idx-alice"])
            #expect(request.notOnOrAfter.map { $0 > Date() } == true)
            #expect(sent.relayState.map(SessionID.isWellFormed) == true)
        }
    }

    @Test func theLogoutRequestNamesTheNameIDExactlyAsTheAssertionDid() async throws {
        try await Harness.run { harness in
            let session = try await SignedLogin(harness: harness).login()
            let sent = try await Self.redirected(try await harness.logout(session)).request
            #expect(sent.nameID == SignedLogin.nameID)
            #expect(sent.nameIDFormat == Self.persistent)
            #expect(sent.nameQualifier == SignedLogin.nameQualifier)
            #expect(sent.spNameQualifier == SignedLogin.spNameQualifier)
            #expect(sent.sessionIndexes == [SignedLogin.sessionIndex])
        }
    }

    @Test func anIdPWithOnlyHTTPPostGetsAnAutoPostedEnvelopedSignedRequest() async throws {
        try await Harness.run { harness in
            let alice = try await harness.session(at: Self.postOnlyID)
            let out = try await harness.logout(alice)
            #expect(out.status == .ok)
            #expect(out.headers[.location] == nil)
            #expect(Self.clearsSession(out, harness))
            let page = Self.page(out)
            #expect(page.contains("<form method=\"post\" action=\"\(Self.postOnlySLO)\">"))
            #expect(page.contains("document.forms[0].submit()"))
            let fields = try Self.hiddenFields(page)
            #expect(fields.keys.sorted() == ["RelayState", "SAMLRequest"])
            let sent = try await Self.received(
                try InboundLogoutMessage(postForm: fields), at: Self.postOnlySLO, idp: Self.postOnlyID)
            #expect(sent.binding == .httpPOST)
            #expect(sent.request.destination == Self.postOnlySLO)
            #expect(sent.request.nameID == "alice-7f3e")
            #expect(sent.request.nameQualifier == Self.postOnlyID)
            #expect(sent.request.sessionIndexes == ["idx-alice"])
            #expect(try await harness.isLive(alice) == false)
        }
    }

    @Test func withoutAnIdPEndpointOrAnSPKeyTheLogoutStaysLocal() async throws {
        try await Harness.run { harness in
            let alice = try await harness.session(at: Self.noSLOID)
            let out = try await harness.logout(alice)
            #expect(out.status == .ok)
            #expect(Self.page(out).contains("Your session here has ended."))
            #expect(Self.clearsSession(out, harness))
            #expect(try await harness.isLive(alice) == false)
        }
        try await Harness.run(spKey: false) { harness in
            let alice = try await harness.session()
            let out = try await harness.logout(alice)
            #expect(out.status == .ok)
            #expect(out.headers[.location] == nil)
            #expect(Self.page(out).contains("Your session here has ended."))
            #expect(try await harness.isLive(alice) == false)
        }
    }

    @Test func aLocalLogoutGoesToTheConfiguredReturnPath() async throws {
        try await Harness.run(configure: { $0.logout.returnTo = "/goodbye?from=gate" }) { harness in
            let out = try await harness.logout(try await harness.session(at: Self.noSLOID))
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/goodbye?from=gate")
            #expect(Self.clearsSession(out, harness))
        }
    }

    // MARK: - The answer

    @Test func aSuccessAnswerByRedirectShowsTheSignedOutPage() async throws {
        try await Harness.run { harness in
            let sent = try await Self.redirected(try await harness.logout(try await harness.session()))
            let done = try await harness.redirectAnswer(try Self.redirectQuery(Self.answer(to: sent), relayState: sent.relayState))
            #expect(done.status == .ok)
            #expect(Self.page(done).contains("Your session here and at your identity provider has ended."))
            #expect(Self.clearsSession(done, harness))
            #expect(harness.log.output.contains("logout.outcome=signedOut"))
        }
    }

    @Test func aSuccessAnswerByPostGoesToTheConfiguredReturnPath() async throws {
        try await Harness.run(configure: { $0.logout.returnTo = "http://localhost/goodbye" }) { harness in
            let sent = try await Self.redirected(try await harness.logout(try await harness.session()))
            let signed = try IdP.signedXML(Self.answer(to: sent).xml)
            let done = try await harness.postAnswer(signed, relayState: try #require(sent.relayState))
            #expect(done.status == .seeOther)
            #expect(done.headers[.location] == "/goodbye")
        }
    }

    /// Status and second-level status of answers that do not confirm a complete logout.
    static let incomplete: [(String, String?)] = [
        (SAMLNamespace.statusSuccess, partialLogout), (SAMLNamespace.statusResponder, partialLogout),
        (SAMLNamespace.statusResponder, nil), (SAMLNamespace.statusRequester, nil),
    ]

    @Test(arguments: incomplete)
    func anAnswerThatIsNotAPlainSuccessSaysSessionsMayRemain(_ status: String, _ subStatus: String?) async throws {
        try await Harness.run(configure: { $0.logout.returnTo = "/goodbye" }) { harness in
            let alice = try await harness.session()
            let sent = try await Self.redirected(try await harness.logout(alice))
            let answer = Self.answer(to: sent, status: status, subStatus: subStatus)
            let done = try await harness.redirectAnswer(try Self.redirectQuery(answer, relayState: sent.relayState))
            #expect(done.status == .ok)
            #expect(done.headers[.location] == nil)
            let page = Self.page(done)
            #expect(page.contains("You are signed out here"))
            #expect(page.contains("the identity provider did not end every session"))
            #expect(try await harness.isLive(alice) == false)
        }
    }

    /// Each differs from a valid answer by exactly one flaw, and names the check that must refuse it.
    enum Flaw: String, CaseIterable, Sendable {
        case unsigned, wrongKey, otherIdPsIssuer, otherIdPsAnswer, unknownInResponseTo, unknownRelayState, replayed, expired
        case wrongDestination

        var check: SAMLValidationError.Code {
            switch self {
            case .unsigned: .signatureMissing
            // A detached signature names no key: with none of the IdP's keys it does not verify.
            case .wrongKey, .otherIdPsAnswer: .signatureInvalid
            case .otherIdPsIssuer: .issuerMismatch
            case .unknownInResponseTo, .unknownRelayState, .replayed: .inResponseToMismatch
            case .expired: .expired
            case .wrongDestination: .destinationMismatch
            }
        }
    }

    @Test(arguments: Flaw.allCases)
    func aFlawedAnswerIsRefusedWithTheErrorPage(_ flaw: Flaw) async throws {
        try await Harness.run { harness in
            let alice = try await harness.session()
            let sent = try await Self.redirected(try await harness.logout(alice))
            let relayState = sent.relayState
            let query: String
            switch flaw {
            case .unsigned: query = try Self.redirectQuery(Self.answer(to: sent), relayState: relayState, key: nil)
            case .wrongKey: query = try Self.redirectQuery(Self.answer(to: sent), relayState: relayState, key: "idp-rsa2")
            case .otherIdPsIssuer: query = try Self.redirectQuery(Self.answer(to: sent, issuer: Self.otherID), relayState: relayState)
            case .otherIdPsAnswer:
                query = try Self.redirectQuery(Self.answer(to: sent, issuer: Self.otherID), relayState: relayState, key: "idp-rsa2")
            case .unknownInResponseTo:
                query = try Self.redirectQuery(Self.answer(to: sent, inResponseTo: "_not-ours"), relayState: relayState)
            case .unknownRelayState: query = try Self.redirectQuery(Self.answer(to: sent), relayState: SessionID.generate())
            case .replayed:
                query = try Self.redirectQuery(Self.answer(to: sent), relayState: relayState)
                #expect(try await harness.redirectAnswer(query).status == .ok)
            case .expired:
                query = try Self.redirectQuery(Self.answer(to: sent, issued: Date().addingTimeInterval(-3600)), relayState: relayState)
            case .wrongDestination:
                query = try Self.redirectQuery(
                    Self.answer(to: sent, destination: "http://localhost/other/slo"), relayState: relayState)
            }
            let refused = try await harness.redirectAnswer(query)
            #expect(refused.status == .badRequest, "\(flaw)")
            #expect(refused.headers[.location] == nil)
            let page = Self.page(refused)
            #expect(page.contains("Sign-out could not be confirmed"))
            #expect(page.contains("logoutResponseRefused"))
            #expect(harness.log.output.contains("saml.check=\(flaw.check.rawValue)"), "\(flaw): \(harness.log.output)")
            #expect(try await harness.isLive(alice) == false)
        }
    }

    @Test func aFlawedAnswerByPostIsRefusedToo() async throws {
        try await Harness.run { harness in
            let sent = try await Self.redirected(try await harness.logout(try await harness.session()))
            let relayState = try #require(sent.relayState)
            let unsigned = try await harness.postAnswer(Array(Self.answer(to: sent).xml.utf8), relayState: relayState)
            #expect(unsigned.status == .badRequest)
            #expect(harness.log.output.contains("saml.check=signatureMissing"))
            // The refused answer used up the pending logout: the real one now comes too late.
            let late = try await harness.postAnswer(try IdP.signedXML(Self.answer(to: sent).xml), relayState: relayState)
            #expect(late.status == .badRequest)
        }
    }

    @Test func theSPMetadataListsExactlyTheSingleLogoutBindingsThatAnswer() async throws {
        try await Harness.run { harness in
            let xml = Self.page(try await harness.client.execute(uri: "/saml/metadata", method: .get))
            let services = try XMLDocument(parsing: Array(xml.utf8)).root.descendants(
                named: "SingleLogoutService", namespace: SAMLNamespace.metadata)
            #expect(services.map { $0.attribute("Binding") } == [SAMLBinding.httpRedirect, SAMLBinding.httpPOST, SAMLBinding.soap])
            #expect(services.map { $0.attribute("Location") } == [IdP.slo, IdP.slo, IdP.slo + "/soap"])
        }
    }

    /// The hidden inputs of an auto-posting form.
    static func hiddenFields(_ page: String) throws -> [String: String] {
        let pattern = try NSRegularExpression(pattern: #"<input type="hidden" name="([^"]+)" value="([^"]*)"/>"#)
        var fields: [String: String] = [:]
        for match in pattern.matches(in: page, range: NSRange(page.startIndex..., in: page)) {
            let name = String(page[Range(match.range(at: 1), in: page)!])
            fields[name] = String(page[Range(match.range(at: 2), in: page)!])
        }
        return fields
    }
}

extension SingleLogoutRouteTests {
    /// `xml` with an enveloped signature by the IdP key `key`.
    static func signedXML(_ xml: String, key: String = "idp-rsa") throws -> [UInt8] {
        try Signer.signEnveloped(Array(xml.utf8), key: try Self.key(key), algorithm: .rsaSHA256)
    }
}
