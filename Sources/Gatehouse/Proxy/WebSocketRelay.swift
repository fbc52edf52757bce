public import HTTPTypes
import HummingbirdWSClient
public import HummingbirdWebSocket
public import Logging
import NIOWebSocket

/// One allowed WebSocket handshake's way upstream: relays the upgraded client connection
/// to the upstream's WebSocket, frame by frame.
///
/// Data frames (text, binary, continuation) are copied as they arrive, so fragmented
/// messages are never collected in memory; pings and pongs are answered on each leg by
/// that leg's own handler. When either side closes, the other one is closed too.
public struct WebSocketRelay: Sendable {
    /// Largest single frame accepted on either leg.
    public static let maxFrameSize = 1 << 20

    /// The upstream's `ws://` or `wss://` URL with the request's path and query.
    public let url: String
    /// The upstream handshake's headers: the client's, sanitized, with identity and
    /// forwarding headers set, minus the handshake headers the WebSocket client writes itself.
    public let headers: HTTPFields

    /// A relay to `url` (http or https; the path and query already appended) with `headers`.
    public init(upstreamURL: String, headers: HTTPFields) {
        self.url = Self.webSocketURL(for: upstreamURL)
        self.headers = HTTPFields(headers.filter { !Self.handshakeHeaders.contains($0.name.canonicalName) })
    }

    /// The `ws://` or `wss://` URL for an `http://` or `https://` URL.
    public static func webSocketURL(for httpURL: String) -> String {
        let lowered = httpURL.lowercased()
        if lowered.hasPrefix("https://") { return "wss://" + httpURL.dropFirst("https://".count) }
        if lowered.hasPrefix("http://") { return "ws://" + httpURL.dropFirst("http://".count) }
        return httpURL
    }

    /// Headers of the client's handshake that the upstream handshake must not repeat.
    static let handshakeHeaders: Set<String> = [
        "host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version",
        "sec-websocket-extensions", "sec-websocket-accept", "content-length", "transfer-encoding",
    ]

    /// Connects upstream and pumps frames both ways until either side closes. Throws when
    /// the upstream cannot be reached; the client connection is then closed.
    func run(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, logger: Logger) async throws {
        let configuration = WebSocketClientConfiguration(maxFrameSize: Self.maxFrameSize, additionalHeaders: headers)
        do {
            try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) {
                upstreamInbound, upstreamOutbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await Self.pump(inbound, to: upstreamOutbound) }
                    group.addTask { try await Self.pump(upstreamInbound, to: outbound) }
                    // The first leg to end (a close from its peer) ends the relay; leaving
                    // the handlers closes both connections.
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            logger.error("upstream WebSocket failed", metadata: ["upstream.url": "\(url)", "upstream.error": "\(error)"])
            try await outbound.close(.unexpectedServerError, reason: "upstream unavailable")
        }
    }

    private static func pump(_ source: WebSocketInboundStream, to sink: WebSocketOutboundWriter) async throws {
        for try await frame in source {
            let opcode: WebSocketOpcode =
                switch frame.opcode {
                case .text: .text
                case .binary: .binary
                case .continuation: .continuation
                }
            try await sink.write(.custom(WebSocketFrame(fin: frame.fin, opcode: opcode, data: frame.data)))
        }
    }
}
