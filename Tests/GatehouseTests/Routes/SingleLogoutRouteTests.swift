import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SAML
import Testing
import XMLSecurity

/// IdP-initiated Single Logout at `<prefix>/slo` and `<prefix>/slo/soap`, with the real SAML
/// login service, the committed SP key, and LogoutRequests signed at test time by the IdP's key.
@Suite struct SingleLogoutRouteTests {
    static let idpID = "https://idp.test.example/metadata"
    static let unknownID = "https://stranger.test.example/metadata"
    static let idpRedirect = "https://idp.test.example/slo/redirect"
    static let idpPOST = "https://idp.test.example/slo/post"
    static let slo = "http://localhost/saml/slo"

    struct Harness {
        let client: any TestClientProtocol
        let gateway: Gateway
        let config: GatehouseConfig

        static func run(
            metadata: String? = nil, configure: (inout GatehouseConfig) -> Void = { _ in },
            _ body: @Sendable (Harness) async throws -> Void
        ) async throws {
            var config = GatehouseConfig(externalURL: "http://localhost", upstreams: [.init(url: "http://127.0.0.1:9")])
            config.listen = ListenSettings(address: "127.0.0.1", port: 0)
            config.cookie.secure = false
            config.session.store = .memory
            config.serviceProvider = ServiceProviderSettings(
                keyPath: TestPaths.fixture("keys/sp.key"), certificatePath: TestPaths.fixture("keys/sp.crt"))
            configure(&config)
            let keys = try ServiceProviderKeys.load(config.serviceProvider)
            let document = try metadata ?? SingleLogoutRouteTests.idpMetadata()
            let registry = try IdentityProviderRegistry(documents: [("idp.xml", Array(document.utf8))])
            let gateway = Gateway(
                config: config, store: MemorySessionStore(),
                loginService: SAMLLoginService(resolved: try ResolvedConfig(config: config, serviceProviderKeys: keys, registry: registry)))
            let settings = config
            var logger = Logger(label: "gatehouse-test")
            logger.logLevel = .critical
            let app = GatehouseApplication.make(gateway: gateway, logger: logger)
            do {
                try await app.test(.live) { client in
                    try await body(Harness(client: client, gateway: gateway, config: settings))
                }
            } catch {
                await gateway.shutdown()
                throw error
            }
            await gateway.shutdown()
        }

        func session(_ nameID: String, index: String) async throws -> String {
            try await gateway.store.create(
                identity: SessionIdentity(nameID: nameID, issuer: SingleLogoutRouteTests.idpID, sessionIndex: index))
        }

        /// True when `whoami` still accepts the session; a proxied request must agree.
        func isLive(_ session: String) async throws -> Bool {
            let cookie: HTTPFields = [.cookie: "\(config.cookie.name)=\(session)"]
            let whoami = try await client.execute(uri: "/saml/whoami", method: .get, headers: cookie)
            var html = cookie
            html[.accept] = "text/html"
            let proxied = try await client.execute(uri: "/app", method: .get, headers: html)
            // A live session is proxied (here to an upstream that is down: 502); an ended one is
            // refused before the upstream (sent to login, or 401).
            let refused = proxied.status == .found || proxied.status == .unauthorized
            #expect((whoami.status == .ok) == !refused, "whoami and the proxy disagree: \(proxied.status)")
            return whoami.status == .ok
        }

        func redirect(_ query: String) async throws -> TestResponse {
            try await client.execute(uri: "/saml/slo?" + query, method: .get)
        }

        func post(_ signedXML: String) async throws -> TestResponse {
            let form =
                "SAMLRequest=" + GatewayHarness.formEncode(Data(signedXML.utf8).base64EncodedString()) + "&RelayState=rs-2"
            return try await client.execute(
                uri: "/saml/slo", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: form))
        }
    }

    static func certificate(_ name: String) throws -> String {
        try String(contentsOfFile: TestPaths.fixture("keys/\(name).crt"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    }

    static func key(_ name: String) throws -> SigningKey {
        try SigningKey(
            privateKeyPEM: try String(contentsOfFile: TestPaths.fixture("keys/\(name).key"), encoding: .utf8),
            certificatePEM: try String(contentsOfFile: TestPaths.fixture("keys/\(name).crt"), encoding: .utf8))
    }

    static func idpMetadata() throws -> String {
        """
        <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" \
        entityID="\(idpID)"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\
        <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(try certificate("idp-rsa"))\
        </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\
        <md:SingleLogoutService Binding="\(SAMLBinding.httpRedirect)" Location="\(idpRedirect)"/>\
        <md:SingleLogoutService Binding="\(SAMLBinding.httpPOST)" Location="\(idpPOST)"/>\
        <md:SingleLogoutService Binding="\(SAMLBinding.soap)" Location="https://idp.test.example/slo/soap"/>\
        <md:SingleSignOnService Binding="\(SAMLBinding.httpRedirect)" Location="https://idp.test.example/sso"/>\
        </md:IDPSSODescriptor></md:EntityDescriptor>
        """
    }

    /// The IdP's LogoutRequest for alice's session; every refusal test changes one thing.
    static func request(
        id: String = "_lr-\(UUID().uuidString)", issuer: String = idpID, issued: Date = Date(), destination: String = slo
    ) -> LogoutRequest {
        LogoutRequest(
            id: id, issueInstant: issued, destination: destination, issuer: issuer, nameID: "alice@test.example",
            nameIDFormat: nil, sessionIndexes: ["idx-alice"])
    }

    static func redirectQuery(_ request: LogoutRequest, key: String? = "idp-rsa") throws -> String {
        try HTTPRedirectBinding.encode(
            request.xml, parameter: .request, relayState: "rs-1", signingKey: try key.map { try Self.key($0) }, algorithm: .rsaSHA256)
    }

    static func signed(_ request: LogoutRequest, key: String = "idp-rsa") throws -> [UInt8] {
        try Signer.signEnveloped(Array(request.xml.utf8), key: try Self.key(key), algorithm: .rsaSHA256)
    }

    @Test func redirectLogoutRequestEndsExactlyThatSessionAndAnswersSignedSuccess() async throws {
        try await Harness.run { harness in
            let alice = try await harness.session("alice@test.example", index: "idx-alice")
            let bob = try await harness.session("bob@test.example", index: "idx-bob")
            #expect(try await harness.isLive(alice))

            let answer = try await harness.redirect(try Self.redirectQuery(Self.request()))
            #expect(answer.status == .found)
            let location = try #require(answer.headers[.location])
            #expect(location.hasPrefix(Self.idpRedirect + "?SAMLResponse="))
            #expect(location.contains("&Signature="))
            #expect(location.contains("RelayState=rs-1"))

            #expect(try await harness.isLive(alice) == false)
            #expect(try await harness.isLive(bob))
        }
    }

    @Test func postLogoutRequestEndsTheSessionAndAnswersAnAutoPostForm() async throws {
        try await Harness.run { harness in
            let alice = try await harness.session("alice@test.example", index: "idx-alice")
            let bob = try await harness.session("bob@test.example", index: "idx-bob")
            let answer = try await harness.post(String(decoding: try Self.signed(Self.request()), as: UTF8.self))
            #expect(answer.status == .ok)
            let body = String(buffer: answer.body)
            #expect(body.contains("action=\"\(Self.idpPOST)\""))
            #expect(body.contains("name=\"SAMLResponse\""))
            #expect(try await harness.isLive(alice) == false)
            #expect(try await harness.isLive(bob))
        }
    }

    enum Flaw: String, CaseIterable, Sendable { case unsigned, wrongKey, unknownIssuer, expired, wrongDestination }

    @Test(arguments: Flaw.allCases)
    func flawedLogoutRequestIsRefusedAndTheSessionKept(_ flaw: Flaw) async throws {
        try await Harness.run { harness in
            let alice = try await harness.session("alice@test.example", index: "idx-alice")
            let query: String
            switch flaw {
            case .unsigned: query = try Self.redirectQuery(Self.request(), key: nil)
            case .wrongKey: query = try Self.redirectQuery(Self.request(), key: "idp-rsa2")
            case .unknownIssuer: query = try Self.redirectQuery(Self.request(issuer: Self.unknownID))
            case .expired: query = try Self.redirectQuery(Self.request(issued: Date().addingTimeInterval(-3600)))
            case .wrongDestination: query = try Self.redirectQuery(Self.request(destination: "http://localhost/other/slo"))
            }
            let answer = try await harness.redirect(query)
            #expect(answer.status == .badRequest, "\(flaw)")
            #expect(answer.headers[.location] == nil)
            #expect(String(buffer: answer.body).contains("Sign-out refused"))
            #expect(try await harness.isLive(alice), "\(flaw)")
        }
    }

    @Test func unsignedPostIsRefused() async throws {
        try await Harness.run { harness in
            let alice = try await harness.session("alice@test.example", index: "idx-alice")
            let answer = try await harness.post(Self.request().xml)
            #expect(answer.status == .badRequest)
            #expect(try await harness.isLive(alice))
        }
    }

    @Test func eachIdPsClockSkewAppliesToItsLogoutRequests() async throws {
        // Issued two minutes ahead: beyond the default 90 s, within this IdP's 5 minutes.
        let ahead = Self.request(issued: Date().addingTimeInterval(120))
        try await Harness.run { harness in
            let alice = try await harness.session("alice@test.example", index: "idx-alice")
            #expect(try await harness.redirect(try Self.redirectQuery(ahead)).status == .badRequest)
            #expect(try await harness.isLive(alice))
        }
        try await Harness.run(configure: { config in
            var idp = IdentityProviderSettings(entityID: Self.idpID)
            idp.clockSkew = ConfigDuration(seconds: 300)
            config.identityProviders = [idp, IdentityProviderSettings(entityID: Self.unknownID)]
        }) { harness in
            let alice = try await harness.session("alice@test.example", index: "idx-alice")
            #expect(try await harness.redirect(try Self.redirectQuery(ahead)).status == .found)
            #expect(try await harness.isLive(alice) == false)
        }
    }

    @Test func aLogoutRequestFromAnIdPWhoseMetadataExpiredIsRefused() async throws {
        let expired = try Self.idpMetadata().replacingOccurrences(
            of: "entityID=\"\(Self.idpID)\"", with: "entityID=\"\(Self.idpID)\" validUntil=\"2020-01-01T00:00:00Z\"")
        try await Harness.run(metadata: expired) { harness in
            let alice = try await harness.session("alice@test.example", index: "idx-alice")
            let answer = try await harness.redirect(try Self.redirectQuery(Self.request()))
            #expect(answer.status == .badRequest)
            #expect(try await harness.isLive(alice))
        }
    }

    @Test func replayedLogoutRequestIsRefused() async throws {
        try await Harness.run { harness in
            _ = try await harness.session("alice@test.example", index: "idx-alice")
            let query = try Self.redirectQuery(Self.request())
            #expect(try await harness.redirect(query).status == .found)
            let again = try await harness.session("alice@test.example", index: "idx-alice")
            #expect(try await harness.redirect(query).status == .badRequest)
            #expect(try await harness.isLive(again))
        }
    }

    @Test func soapRoundTripEndsTheSessionAndAnswersASignedEnvelope() async throws {
        try await Harness.run { harness in
            let alice = try await harness.session("alice@test.example", index: "idx-alice")
            let bob = try await harness.session("bob@test.example", index: "idx-bob")
            var request = Self.request(destination: "http://localhost/saml/slo/soap")
            request.destination = "http://localhost/saml/slo/soap"
            let envelope = SOAPBinding.envelope(body: try Self.signed(request))
            let answer = try await harness.client.execute(
                uri: "/saml/slo/soap", method: .post, headers: [.contentType: SOAPBinding.contentType],
                body: ByteBuffer(bytes: envelope))
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == SOAPBinding.contentType)
            let body = String(buffer: answer.body)
            #expect(body.contains("LogoutResponse"))
            #expect(body.contains("InResponseTo=\"\(request.id)\""))
            #expect(body.contains("urn:oasis:names:tc:SAML:2.0:status:Success"))
            #expect(body.contains("SignatureValue"))
            #expect(try await harness.isLive(alice) == false)
            #expect(try await harness.isLive(bob))
        }
    }

    @Test func soapRequestSignedWithTheWrongKeyGetsAFaultAndKeepsTheSession() async throws {
        try await Harness.run { harness in
            let alice = try await harness.session("alice@test.example", index: "idx-alice")
            let envelope = SOAPBinding.envelope(
                body: try Self.signed(Self.request(destination: "http://localhost/saml/slo/soap"), key: "idp-rsa2"))
            let answer = try await harness.client.execute(
                uri: "/saml/slo/soap", method: .post, headers: [.contentType: SOAPBinding.contentType],
                body: ByteBuffer(bytes: envelope))
            #expect(answer.status == .internalServerError)
            #expect(String(buffer: answer.body).contains("Fault"))
            #expect(try await harness.isLive(alice))
        }
    }

    @Test func servedMetadataListsTheSingleLogoutEndpoints() async throws {
        try await Harness.run { harness in
            let metadata = String(buffer: try await harness.client.execute(uri: "/saml/metadata", method: .get).body)
            #expect(metadata.contains("Binding=\"\(SAMLBinding.httpRedirect)\" Location=\"\(Self.slo)\""))
            #expect(metadata.contains("Binding=\"\(SAMLBinding.httpPOST)\" Location=\"\(Self.slo)\""))
            #expect(metadata.contains("Binding=\"\(SAMLBinding.soap)\" Location=\"\(Self.slo)/soap\""))
        }
    }
}
