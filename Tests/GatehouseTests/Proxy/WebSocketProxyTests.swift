import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization
import Testing

@Suite struct WebSocketProxyTests {
    /// What the test's WebSocket client received, read after the connection closed.
    final class Transcript: Sendable {
        let messages = Mutex<[String]>([])
        func append(_ message: String) { messages.withLock { $0.append(message) } }
        var all: [String] { messages.withLock { $0 } }
    }

    static let logger: Logger = {
        var logger = Logger(label: "ws-test")
        logger.logLevel = .critical
        return logger
    }()

    static func withGateway(_ body: @Sendable @escaping (GatewayHarness) async throws -> Void) async throws {
        try await WebSocketEchoUpstream.run { upstreamPort in
            try await GatewayHarness.run(configure: { $0.upstreams = [.init(url: "http://127.0.0.1:\(upstreamPort)")] }) {
                harness in try await body(harness)
            }
        }
    }

    /// Opens a WebSocket through the gateway, sends `hello`, `?headers` and a binary
    /// message, and records the replies.
    static func talk(_ harness: GatewayHarness, path: String, headers: HTTPFields) async throws -> Transcript {
        let transcript = Transcript()
        let url = "ws://127.0.0.1:\(harness.client.port ?? 0)\(path)"
        try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20, additionalHeaders: headers), logger: logger)
        {
            inbound, outbound, _ in
            var replies = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            try await outbound.write(.text("hello"))
            if case .text(let text) = try await replies.next() { transcript.append(text) }
            try await outbound.write(.text(WebSocketEchoUpstream.headersQuery))
            if case .text(let text) = try await replies.next() { transcript.append(text) }
            try await outbound.write(.binary(ByteBuffer(repeating: 7, count: 100_000)))
            if case .binary(let buffer) = try await replies.next() { transcript.append("binary \(buffer.readableBytes)") }
        }
        return transcript
    }

    static func headerValues(_ json: String, _ name: String) throws -> [String] {
        let pairs = try JSONDecoder().decode([[String]].self, from: Data(json.utf8))
        let wanted = EchoUpstream.Echo.normalize(name)
        return pairs.filter { EchoUpstream.Echo.normalize($0[0]) == wanted }.map { $0[1] }
    }

    static var spoofs: HTTPFields {
        var headers = HTTPFields()
        for name in GatewayIntegrationTests.spoofs { headers.append(HTTPField(name: HTTPField.Name(name)!, value: "mallory")) }
        headers.append(HTTPField(name: HTTPField.Name("x_forwarded_groups")!, value: "admins"))
        headers.append(HTTPField(name: HTTPField.Name("X-Forwarded-Email")!, value: "mallory@evil"))
        return headers
    }

    @Test func authenticatedSessionEchoesThroughTheProxyWithIdentityHeaders() async throws {
        try await Self.withGateway { harness in
            let session = try await harness.login()
            var headers = Self.spoofs
            headers[.cookie] = "\(harness.config.cookie.name)=\(session)"
            let transcript = try await Self.talk(harness, path: "/chat?room=1", headers: headers)
            let messages = transcript.all
            try #require(messages.count == 3)
            #expect(messages[0] == "hello")
            #expect(messages[2] == "binary 100000")
            #expect(try Self.headerValues(messages[1], "X-Forwarded-User") == ["alice@test.example"])
            #expect(try Self.headerValues(messages[1], "X-Forwarded-Email") == ["alice@test.example"])
            #expect(try Self.headerValues(messages[1], "X-Forwarded-Groups") == ["staff"])
            #expect(try Self.headerValues(messages[1], "X-Forwarded-For") == ["127.0.0.1"])
            #expect(!messages[1].contains("mallory"))
            #expect(!messages[1].contains(session))
        }
    }

    static func handshake(cookie: String? = nil) -> [(String, String)] {
        var headers = [
            ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"), ("Accept", "text/html"),
        ]
        if let cookie { headers.append(("Cookie", cookie)) }
        return headers
    }

    @Test func handshakeWithoutSessionIsRefusedWith401NotRedirected() async throws {
        try await Self.withGateway { harness in
            let port = try #require(harness.client.port)
            let anonymous = try await RawHTTPClient.send(port: port, path: "/chat", headers: Self.handshake())
            #expect(anonymous.status == 401)
            #expect(!anonymous.head.lowercased().contains("location:"))
            #expect(!anonymous.head.contains("101"))
            let forged = "\(harness.config.cookie.name)=\(String(repeating: "A", count: 43))"
            let badCookie = try await RawHTTPClient.send(port: port, path: "/chat", headers: Self.handshake(cookie: forged))
            #expect(badCookie.status == 401)
            await #expect(throws: (any Error).self) {
                _ = try await Self.talk(harness, path: "/chat", headers: Self.spoofs)
            }
        }
    }

    @Test func accessRulesApplyToHandshakes() async throws {
        try await Self.withGateway { harness in
            let session = try await harness.login()
            let port = try #require(harness.client.port)
            let cookie = "\(harness.config.cookie.name)=\(session)"
            let denied = try await RawHTTPClient.send(port: port, path: "/admin/ws", headers: Self.handshake(cookie: cookie))
            #expect(denied.status == 403)
            #expect(denied.text.contains("admins"))
            // The page's reference ID is a real one (the same kind the log line carries). Hummingbird's
            // request IDs do not zero-pad their per-process half, so one process in 16 makes them
            // shorter than 32 digits.
            #expect(
                denied.text.range(of: #"Reference: <code>[0-9a-f]{17,32}</code>"#, options: .regularExpression) != nil, "\(denied.text)")
            // The same handshake on a connection that already served a request is refused too.
            let reused = try await harness.client.execute(
                uri: "/admin/ws", method: .get,
                headers: [
                    .upgrade: "websocket", .connection: "Upgrade", .secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ==",
                    .secWebSocketVersion: "13", .cookie: cookie,
                ])
            #expect(reused.status == .forbidden)
        }
    }

    @Test func gatewayOwnPathsAreNotUpgraded() async throws {
        try await Self.withGateway { harness in
            let port = try #require(harness.client.port)
            let own = try await RawHTTPClient.send(port: port, path: "/saml/login", headers: Self.handshake())
            #expect(own.status == 400)
        }
    }

    @Test func spoofedIdentityHeadersNeverReachTheUpstreamOnPublicPaths() async throws {
        try await Self.withGateway { harness in
            let transcript = try await Self.talk(harness, path: "/public/ws", headers: Self.spoofs)
            let messages = transcript.all
            try #require(messages.count == 3)
            #expect(try Self.headerValues(messages[1], "X-Forwarded-User") == [])
            #expect(!messages[1].contains("mallory"))
        }
    }
}
