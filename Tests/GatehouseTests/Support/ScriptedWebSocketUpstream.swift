import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket

/// A WebSocket upstream for tests that reports every connection it served once it ended.
///
/// On a path ending in `/bye` it sends ``farewell`` and closes straight after its 101;
/// on any other path it reads text messages until the peer closes.
enum ScriptedWebSocketUpstream {
    /// The messages sent on a `/bye` path, in order.
    static let farewell = ["one", "two"]

    /// One served connection.
    struct Connection: Sendable {
        var path: String
        /// Every `Origin` header of the handshake, in order.
        var origins: [String]
        /// The text messages received.
        var received: [String]
    }

    /// Runs the upstream on a loopback port for the duration of `body`, which gets the port
    /// and the connections as they end.
    static func run(_ body: @Sendable (Int, AsyncStream<Connection>) async throws -> Void) async throws {
        let (connections, ended) = AsyncStream.makeStream(of: Connection.self)
        let app = Application(
            router: Router(),
            server: .http1WebSocketUpgrade(configuration: .init(maxFrameSize: 1 << 20)) { head, _, _ in
                .upgrade([:]) { inbound, outbound, _ in
                    var connection = Connection(
                        path: head.path ?? "", origins: head.headerFields[values: .origin], received: [])
                    defer { ended.yield(connection) }
                    if connection.path.hasSuffix("/bye") {
                        for message in farewell { try await outbound.write(.text(message)) }
                        return
                    }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        if case .text(let text) = message { connection.received.append(text) }
                    }
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0))
        )
        try await app.test(.live) { client in try await body(client.port ?? 0, connections) }
    }
}
