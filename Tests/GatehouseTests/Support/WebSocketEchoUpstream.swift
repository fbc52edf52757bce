import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket

/// A WebSocket upstream for tests: echoes every message, and answers the text message
/// `?headers` with the handshake's headers as JSON (`[[name, value]]`).
enum WebSocketEchoUpstream {
    static let headersQuery = "?headers"

    /// Runs the upstream on a loopback port for the duration of `body`.
    static func run(_ body: @Sendable (Int) async throws -> Void) async throws {
        let app = Application(
            router: Router(),
            server: .http1WebSocketUpgrade(configuration: .init(maxFrameSize: 1 << 20)) { head, _, _ in
                .upgrade([:]) { inbound, outbound, _ in
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        switch message {
                        case .text(headersQuery):
                            let pairs = head.headerFields.map { [$0.name.rawName, $0.value] }
                            let json = String(decoding: try JSONEncoder().encode(pairs), as: UTF8.self)
                            try await outbound.write(.text(json))
                        case .text(let text):
                            try await outbound.write(.text(text))
                        case .binary(let buffer):
                            try await outbound.write(.binary(buffer))
                        }
                    }
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0))
        )
        try await app.test(.live) { client in try await body(client.port ?? 0) }
    }
}
