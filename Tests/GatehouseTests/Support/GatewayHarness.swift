import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Starts an echo upstream and a gateway in front of it, both on loopback.
struct GatewayHarness {
    let client: any TestClientProtocol
    let gateway: Gateway
    var config: GatehouseConfig { gateway.config }

    static func run(
        store: (any SessionStorage)? = nil,
        loginService: FakeLoginService = FakeLoginService(),
        configure: @Sendable (inout GatehouseConfig) -> Void = { _ in },
        _ body: @Sendable (GatewayHarness) async throws -> Void
    ) async throws {
        let echo = EchoUpstream.makeApplication()
        try await echo.test(.live) { upstream in
            var config = GatehouseConfig(
                externalURL: "http://localhost", upstreams: [.init(url: "http://127.0.0.1:\(upstream.port ?? 0)")])
            config.listen = ListenSettings(address: "127.0.0.1", port: 0)
            config.cookie.secure = false
            config.session.store = .memory
            config.publicPaths = ["/public"]
            config.accessRules = [AccessRule(prefix: "/admin", anyGroups: ["admins"])]
            configure(&config)
            let gateway = Gateway(
                config: config, store: store ?? MemorySessionStore(), loginService: loginService)
            var logger = Logger(label: "gatehouse-test")
            logger.logLevel = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_LOG"] == nil ? .critical : .trace
            let app = GatehouseApplication.make(gateway: gateway, logger: logger)
            do {
                try await app.test(.live) { client in try await body(GatewayHarness(client: client, gateway: gateway)) }
            } catch {
                await gateway.shutdown()
                throw error
            }
            await gateway.shutdown()
        }
    }

    static let html: HTTPFields = [.accept: "text/html,application/xhtml+xml"]

    /// Runs the whole browser login for `path` and returns the session cookie value. The
    /// fake IdP asserts `sessionIndex` as the AuthnStatement's SessionIndex.
    func login(
        _ nameID: String = "alice@test.example",
        attributes: [String: [String]] = ["groups": ["staff"], "email": ["alice@test.example"]],
        path: String = "/docs/a?page=2&q=x",
        sessionIndex: String? = "idx"
    ) async throws -> String {
        let first = try await client.execute(uri: path, method: .get, headers: Self.html)
        #expect(first.status == .found)
        let loginURL = try #require(first.headers[.location])
        let start = try await client.execute(uri: loginURL, method: .get, headers: Self.html)
        #expect(start.status == .found)
        let idpURL = try #require(start.headers[.location].flatMap { URLComponents(string: $0) })
        let relayState = try #require(idpURL.queryItems?.first { $0.name == "RelayState" }?.value)
        let requestID = try #require(idpURL.queryItems?.first { $0.name == "req" }?.value)
        let binding = try #require(Self.cookie(config.cookie.pendingLoginName, in: start))
        let response = FakeLoginService.FakeResponse(
            nameID: nameID, inResponseTo: requestID, attributes: attributes, sessionIndex: sessionIndex)
        let done = try await postACS(response.encoded(), relayState: relayState, binding: binding)
        #expect(done.status == .seeOther)
        #expect(done.headers[.location] == path)
        return try #require(Self.cookie(config.cookie.name, in: done))
    }

    func postACS(_ samlResponse: String, relayState: String?, binding: String?) async throws -> TestResponse {
        var form = "SAMLResponse=" + Self.formEncode(samlResponse)
        if let relayState { form += "&RelayState=" + Self.formEncode(relayState) }
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let binding { headers[.cookie] = "\(config.cookie.pendingLoginName)=\(binding)" }
        return try await client.execute(uri: "/saml/acs", method: .post, headers: headers, body: ByteBuffer(string: form))
    }

    /// GET through the gateway with a session cookie; returns the echo and the raw response.
    func echo(_ uri: String, session: String?, headers extra: HTTPFields = [:]) async throws -> (EchoUpstream.Echo?, TestResponse) {
        var headers = extra
        if let session { headers.append(HTTPField(name: .cookie, value: "\(config.cookie.name)=\(session)")) }
        let response = try await client.execute(uri: uri, method: .get, headers: headers)
        let echo = try? JSONDecoder().decode(EchoUpstream.Echo.self, from: Data(response.body.readableBytesView))
        return (echo, response)
    }

    static func cookie(_ name: String, in response: TestResponse) -> String? {
        for value in response.headers[values: .setCookie] where value.hasPrefix(name + "=") {
            let pair = value.split(separator: ";")[0]
            let cookieValue = String(pair.dropFirst(name.count + 1))
            if !cookieValue.isEmpty { return cookieValue }
        }
        return nil
    }

    static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
