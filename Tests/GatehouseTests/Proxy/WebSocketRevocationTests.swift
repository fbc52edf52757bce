import Foundation
import Gatehouse
import HummingbirdTesting
import NIOCore
import Testing

/// A WebSocket that is already open when its session is revoked is closed with 1008 (policy
/// violation) on both sides within one session check; one of another session stays open.
/// Real sockets: a hand-written client, the gateway, a real upstream.
@Suite struct WebSocketRevocationTests {
    enum Kind: String, CaseIterable, Sendable { case memory, sqlite }

    static let issuer = "https://idp.test/metadata"

    @Test(arguments: Kind.allCases)
    func revokingASessionClosesItsOpenWebSocketOnBothSides(_ kind: Kind) async throws {
        let store: any SessionStorage =
            switch kind {
            case .memory: MemorySessionStore()
            case .sqlite: CachedSessionStore(wrapping: try SQLiteSessionStore(path: TestPaths.scratchDirectory() + "/sessions.sqlite"))
            }
        try await ScriptedWebSocketUpstream.run { upstreamPort, connections in
            try await GatewayHarness.run(
                store: store, configure: { $0.upstreams = [.init(url: "http://127.0.0.1:\(upstreamPort)")] }
            ) { harness in
                let port = try #require(harness.client.port)
                let cookieName = harness.config.cookie.name
                let alice = try await store.create(identity: SessionIdentity(nameID: "alice", issuer: Self.issuer))
                let bob = try await store.create(identity: SessionIdentity(nameID: "bob", issuer: Self.issuer))

                // Both clients send a message and then wait: only the server ends alice's;
                // bob's client gives up after a few session checks, its WebSocket still open.
                async let aliceTranscript = RawWebSocketClient.exchange(
                    port: port, path: "/app/alice", headers: [("Cookie", "\(cookieName)=\(alice)")], send: [.text("hi")],
                    giveUpAfter: .seconds(15))
                async let bobTranscript = RawWebSocketClient.exchange(
                    port: port, path: "/app/bob", headers: [("Cookie", "\(cookieName)=\(bob)")], send: [.text("hi")],
                    giveUpAfter: .seconds(11))
                try await Task.sleep(for: .seconds(3))
                #expect(try await store.revoke(.idHash(SessionID.hash(alice))) == 1)
                let revoked = ContinuousClock.now

                let closed = try await aliceTranscript
                let closedAfter = ContinuousClock.now - revoked
                #expect(closed.head.hasPrefix("HTTP/1.1 101"), "\(closed.head)")
                #expect(closed.closedByServer, "the revoked session's WebSocket stayed open")
                #expect(closed.closeCode == 1008)
                #expect(closedAfter < .seconds(4), "closed \(closedAfter) after the revocation")
                // The upstream's side of alice's WebSocket ended too, and bob's did not.
                let upstreamSide = await WebSocketRelayTests.next(connections, within: 2)
                #expect(upstreamSide?.path == "/app/alice")
                #expect(upstreamSide?.received == ["hi"])

                let open = try await bobTranscript
                #expect(open.head.hasPrefix("HTTP/1.1 101"), "\(open.head)")
                #expect(!open.closedByServer, "the live session's WebSocket was closed")
                #expect(open.closeCode == nil)
                #expect(await WebSocketRelayTests.next(connections)?.path == "/app/bob")
            }
        }
    }
}
