import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The gateway with the real SAML login service and the development IdP, which signs
/// responses for the current time.
@Suite struct SAMLLoginGatewayTests {
    struct Harness {
        let client: any TestClientProtocol
        let config: GatehouseConfig
        let idp: DevelopmentIdP
        let log: LogLineEscapingTests.Capture

        static func run(
            unsolicited: UnsolicitedPolicy = .reject, _ body: @Sendable (Harness) async throws -> Void
        ) async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-saml-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            var config = GatehouseConfig(externalURL: "http://localhost", upstreams: [.init(url: "http://127.0.0.1:9")])
            config.listen = ListenSettings(address: "127.0.0.1", port: 0)
            config.cookie.secure = false
            config.session.store = .memory
            config.unsolicitedResponses = unsolicited
            let idp = try DevelopmentIdP(
                directory: directory, baseURL: "http://localhost", assertionConsumerServiceURL: config.endpointURL("acs"))
            let registry = try IdentityProviderRegistry(documents: [("development-idp.xml", Array(idp.metadataXML.utf8))])
            let gateway = Gateway(
                config: config, store: MemorySessionStore(),
                loginService: SAMLLoginService(resolved: try ResolvedConfig(config: config, serviceProviderKeys: nil, registry: registry)))
            let settings = config
            let log = LogLineEscapingTests.Capture()
            let logger = Logger(label: "gatehouse-test", factory: JSONLogHandler.factory(for: LogSettings(format: .text), stream: log))
            let app = Application(router: GatehouseApplication.makeRouter(gateway: gateway), logger: logger)
            do {
                try await app.test(.live) { client in
                    try await body(Harness(client: client, config: settings, idp: idp, log: log))
                }
            } catch {
                await gateway.shutdown()
                throw error
            }
            await gateway.shutdown()
        }

        /// Starts a login at the gateway; returns the IdP's view of the request, and the
        /// RelayState and pending-login cookie the browser holds.
        func start() async throws -> (request: DevelopmentAuthnRequest, relayState: String, binding: String) {
            let start = try await client.execute(uri: "/saml/login?rd=/x", method: .get)
            #expect(start.status == .found)
            let location = try #require(start.headers[.location].flatMap { URLComponents(string: $0) })
            let request = try idp.authnRequest(query: try #require(location.percentEncodedQuery))
            let binding = try #require(GatewayHarness.cookie(config.cookie.pendingLoginName, in: start))
            return (request, try #require(request.relayState), binding)
        }

        func postACS(_ samlResponse: String, relayState: String?, binding: String?) async throws -> TestResponse {
            var form = "SAMLResponse=" + GatewayHarness.formEncode(samlResponse)
            if let relayState { form += "&RelayState=" + GatewayHarness.formEncode(relayState) }
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            if let binding { headers[.cookie] = "\(config.cookie.pendingLoginName)=\(binding)" }
            return try await client.execute(uri: "/saml/acs", method: .post, headers: headers, body: ByteBuffer(string: form))
        }

        /// An unsigned Response and Assertion that claim to come from `issuer`.
        func unsigned(issuer: String, inResponseTo: String?) -> String {
            let answers = inResponseTo.map { " InResponseTo=\"\($0)\"" } ?? ""
            let now = Date().formatted(.iso8601)
            let xml = """
                <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" \
                ID="_r1" Version="2.0" IssueInstant="\(now)" Destination="\(config.endpointURL("acs"))"\(answers)>\
                <saml:Issuer>\(issuer)</saml:Issuer>\
                <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>\
                <saml:Assertion ID="_a1" Version="2.0" IssueInstant="\(now)"><saml:Issuer>\(issuer)</saml:Issuer>\
                <saml:Subject><saml:NameID>mallory@example.com</saml:NameID></saml:Subject></saml:Assertion>\
                </samlp:Response>
                """
            return Data(xml.utf8).base64EncodedString()
        }
    }

    /// The reference the page shows.
    static func reference(in page: String) -> String? {
        guard let start = page.range(of: "Reference: <code>"), let end = page[start.upperBound...].range(of: "</code>") else {
            return nil
        }
        return String(page[start.upperBound..<end.lowerBound])
    }

    // Login failure pages.

    @Test(arguments: ["Pay attention: call 555-0100 to restore access", "<script>evil()</script>"])
    func pageForAnUnsignedResponseNeverQuotesItsIssuer(issuer: String) async throws {
        try await Harness.run { harness in
            let (request, relayState, binding) = try await harness.start()
            let escaped = issuer.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            let result = try await harness.postACS(
                harness.unsigned(issuer: escaped, inResponseTo: request.id), relayState: relayState, binding: binding)
            #expect(result.status == .forbidden)
            let page = String(buffer: result.body)
            for fragment in ["Pay attention", "555-0100", "evil", "&lt;script"] { #expect(!page.contains(fragment)) }
            #expect(page.contains("unknownIssuer"))
            let reference = try #require(Self.reference(in: page))
            // The page names the IdP this login was started with, from our own registration.
            #expect(page.contains("mention Development IdP (not for production)"))
            // The log keeps the detail, under the same reference.
            let line = try #require(harness.log.lines.first { $0.contains("login.outcome=failure") })
            #expect(line.contains(reference))
            #expect(line.contains("saml.check=unknownIssuer"))
        }
    }

    @Test func pageForAnUnsignedResponseFromTheRightIssuerNamesTheCheckNotTheIssuer() async throws {
        try await Harness.run { harness in
            let (request, relayState, binding) = try await harness.start()
            let result = try await harness.postACS(
                harness.unsigned(issuer: harness.idp.entityID, inResponseTo: request.id), relayState: relayState, binding: binding)
            #expect(result.status == .forbidden)
            let page = String(buffer: result.body)
            #expect(!page.contains(harness.idp.entityID))
            #expect(page.contains("signatureMissing"))
            #expect(Self.reference(in: page) != nil)
        }
    }

    @Test func pageForAnUnsolicitedUnsignedResponseNamesNoIdP() async throws {
        try await Harness.run(unsolicited: .allow) { harness in
            let result = try await harness.postACS(
                harness.unsigned(issuer: "Pay attention: call 555-0100", inResponseTo: nil), relayState: nil, binding: nil)
            #expect(result.status == .forbidden)
            let page = String(buffer: result.body)
            #expect(!page.contains("Pay attention") && !page.contains("mention"))
            #expect(page.contains("unknownIssuer"))
            #expect(Self.reference(in: page) != nil)
        }
    }

    // InResponseTo.

    @Test func responseToARequestThisBrowserDidNotStartIsRefusedEvenWithUnsolicitedAllowed() async throws {
        try await Harness.run(unsolicited: .allow) { harness in
            let (request, relayState, binding) = try await harness.start()
            let signed = try harness.idp.response(to: request, user: DevelopmentUser.samples[0], now: Date())
            // Posted as if IdP-initiated: no RelayState of ours, no pending-login cookie.
            let stray = try await harness.postACS(signed, relayState: nil, binding: nil)
            #expect(stray.status == .forbidden)
            #expect(String(buffer: stray.body).contains("inResponseToMismatch"))
            #expect(GatewayHarness.cookie(harness.config.cookie.name, in: stray) == nil)
            // The same response, in the browser whose login it answers, is accepted.
            let answered = try await harness.postACS(signed, relayState: relayState, binding: binding)
            #expect(answered.status == .seeOther)
            #expect(answered.headers[.location] == "/x")
            #expect(GatewayHarness.cookie(harness.config.cookie.name, in: answered) != nil)
        }
    }
}
