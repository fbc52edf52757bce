import Gatehouse
import HummingbirdTesting
import Testing

/// The relay's behaviour at the edges of a connection, with a hand-written client (so that
/// the handshake carries exactly the headers the test gives, and frames go out at once) and
/// a real upstream.
@Suite struct WebSocketRelayTests {
    static let rounds = 40

    static func withGateway(_ body: @Sendable @escaping (Int, AsyncStream<ScriptedWebSocketUpstream.Connection>) async throws -> Void)
        async throws
    {
        try await ScriptedWebSocketUpstream.run { upstreamPort, connections in
            try await GatewayHarness.run(configure: { $0.upstreams = [.init(url: "http://127.0.0.1:\(upstreamPort)")] }) { harness in
                try await body(try #require(harness.client.port), connections)
            }
        }
    }

    /// The next connection the upstream served, or nil if none ended within `seconds`.
    static func next(
        _ connections: AsyncStream<ScriptedWebSocketUpstream.Connection>, within seconds: Int = 5
    ) async -> ScriptedWebSocketUpstream.Connection? {
        await withTaskGroup(of: ScriptedWebSocketUpstream.Connection?.self) { group in
            group.addTask {
                var iterator = connections.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test func upstreamReceivesExactlyTheBrowsersOrigin() async throws {
        try await Self.withGateway { port, connections in
            let origin = "https://app.test.example"
            let withOrigin = try await RawWebSocketClient.exchange(
                port: port, path: "/public/ws", headers: [("Origin", origin)], send: [.text("hi"), .close(code: 1000)])
            #expect(withOrigin.head.hasPrefix("HTTP/1.1 101"), "\(withOrigin.head)")
            let first = try #require(await Self.next(connections))
            #expect(first.origins == [origin])
            #expect(first.received == ["hi"])

            let withoutOrigin = try await RawWebSocketClient.exchange(
                port: port, path: "/public/ws", headers: [], send: [.text("hi"), .close(code: 1000)])
            #expect(withoutOrigin.head.hasPrefix("HTTP/1.1 101"), "\(withoutOrigin.head)")
            let second = try #require(await Self.next(connections))
            #expect(second.origins == [])
        }
    }

    @Test func messagesTheUpstreamSendsRightBeforeClosingReachTheClientThenTheClose() async throws {
        try await Self.withGateway { port, connections in
            for round in 0..<Self.rounds {
                let transcript = try await RawWebSocketClient.exchange(port: port, path: "/public/bye", headers: [])
                #expect(transcript.head.hasPrefix("HTTP/1.1 101"), "round \(round): \(transcript.head)")
                #expect(transcript.messages == ScriptedWebSocketUpstream.farewell, "round \(round)")
                #expect(transcript.closeCode == 1000, "round \(round)")
                #expect(transcript.framesAfterClose == 0, "round \(round)")
                #expect(transcript.closedByServer, "round \(round): the gateway held the connection open")
                #expect(await Self.next(connections) != nil, "round \(round)")
                if !transcript.closedByServer || transcript.messages != ScriptedWebSocketUpstream.farewell { break }
            }
        }
    }

    @Test func messagesTheClientSendsRightBeforeClosingReachTheUpstream() async throws {
        try await Self.withGateway { port, connections in
            for round in 0..<Self.rounds {
                let messages = ["hello \(round)", "bye \(round)"]
                let transcript = try await RawWebSocketClient.exchange(
                    port: port, path: "/public/record", headers: [], send: messages.map { .text($0) } + [.close(code: 1000)])
                #expect(transcript.head.hasPrefix("HTTP/1.1 101"), "round \(round): \(transcript.head)")
                #expect(transcript.closedByServer, "round \(round): the gateway held the connection open")
                let served = await Self.next(connections)
                #expect(served?.received == messages, "round \(round)")
                if !transcript.closedByServer || served?.received != messages { break }
            }
        }
    }
}
