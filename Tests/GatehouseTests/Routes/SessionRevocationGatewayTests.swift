import Foundation
import Gatehouse
import HTTPTypes
import HummingbirdTesting
import Testing

/// A revocation through the store API refuses the very next request of the revoked session on
/// every route: a proxied request, a WebSocket handshake and a forward-auth call, for both
/// stores, with the session warm in every cache beforehand.
@Suite struct SessionRevocationGatewayTests {
    enum Kind: String, CaseIterable, Sendable { case memory, sqlite }

    enum Revocation: String, CaseIterable, Sendable {
        case oneSession, user, sessionIndex, all

        func selector(session: String, issuer: String) -> SessionSelector {
            switch self {
            case .oneSession: .idHash(SessionID.hash(session))
            case .user: .user(nameID: "alice@test.example", issuer: issuer)
            case .sessionIndex: .sessionIndex("idx-alice", issuer: issuer)
            case .all: .all
            }
        }
    }

    /// The route whose request comes first after the revocation.
    enum Route: String, CaseIterable, Sendable { case proxy, webSocket, forwardAuth }

    static let issuer = FakeLoginService.FakeResponse(nameID: "").issuer
    static let bobAttributes = ["groups": ["staff"], "email": ["bob@test.example"]]

    @Test(arguments: Kind.allCases, Revocation.allCases)
    func revokedSessionIsRefusedOnTheVeryNextRequestOfEveryRoute(_ kind: Kind, _ revocation: Revocation) async throws {
        for first in Route.allCases {
            try await Self.withGateway(kind) { harness in
                let alice = try await harness.login("alice@test.example", sessionIndex: "idx-alice")
                let bob = try await harness.login("bob@test.example", attributes: Self.bobAttributes, sessionIndex: "idx-bob")
                for route in Route.allCases { try await Self.expectAccepted(alice, on: route, harness) }

                let selector = revocation.selector(session: alice, issuer: Self.issuer)
                #expect(try await harness.gateway.store.revoke(selector) == (revocation == .all ? 2 : 1))

                // The route under test first, then the others: all refuse.
                for route in [first] + Route.allCases.filter({ $0 != first }) {
                    try await Self.expectRefused(alice, on: route, harness, "after revoking, \(first) first")
                }
                if revocation == .all {
                    try await Self.expectRefused(bob, on: .proxy, harness, "bob after revoking all")
                } else {
                    try await Self.expectAccepted(bob, on: .proxy, harness)
                }
            }
        }
    }

    /// An echo upstream for plain requests and a WebSocket echo upstream under `/chat`.
    static func withGateway(_ kind: Kind, _ body: @escaping @Sendable (GatewayHarness) async throws -> Void) async throws {
        let store: any SessionStorage =
            switch kind {
            case .memory: MemorySessionStore()
            case .sqlite: CachedSessionStore(wrapping: try SQLiteSessionStore(path: TestPaths.scratchDirectory() + "/sessions.sqlite"))
            }
        try await WebSocketEchoUpstream.run { webSocketPort in
            try await GatewayHarness.run(
                store: store,
                configure: { $0.upstreams.append(.init(url: "http://127.0.0.1:\(webSocketPort)", prefix: "/chat")) }
            ) { harness in try await body(harness) }
        }
    }

    static func expectAccepted(_ session: String, on route: Route, _ harness: GatewayHarness) async throws {
        let cookie = "\(harness.config.cookie.name)=\(session)"
        switch route {
        case .proxy:
            let (echo, response) = try await harness.echo("/docs/a", session: session)
            #expect(response.status == .ok)
            #expect(echo?.uri == "/docs/a")
        case .webSocket:
            let transcript = try await WebSocketProxyTests.talk(harness, path: "/chat", headers: [.cookie: cookie])
            #expect(transcript.all.first == "hello")
        case .forwardAuth:
            let response = try await harness.client.execute(uri: "/saml/auth", method: .get, headers: [.cookie: cookie])
            #expect(response.status == .ok)
        }
    }

    /// Refused as unauthenticated: 401, or for the browser-less proxied GET a redirect to login.
    static func expectRefused(
        _ session: String, on route: Route, _ harness: GatewayHarness, _ context: String
    ) async throws {
        let cookie = "\(harness.config.cookie.name)=\(session)"
        switch route {
        case .proxy:
            let (echo, response) = try await harness.echo("/docs/a", session: session)
            #expect([.unauthorized, .found].contains(response.status), "proxy: \(response.status), \(context)")
            #expect(echo == nil)
        case .webSocket:
            let port = try #require(harness.client.port)
            let answer = try await RawHTTPClient.send(port: port, path: "/chat", headers: WebSocketProxyTests.handshake(cookie: cookie))
            #expect(answer.status == 401, "WebSocket handshake: \(answer.head), \(context)")
        case .forwardAuth:
            let response = try await harness.client.execute(uri: "/saml/auth", method: .get, headers: [.cookie: cookie])
            #expect(response.status == .unauthorized, "forward-auth: \(response.status), \(context)")
        }
    }
}
