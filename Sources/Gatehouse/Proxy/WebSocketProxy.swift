import HTTPTypes
import HummingbirdWSClient
import HummingbirdWebSocket
import Logging
import NIOWebSocket

/// Relays one upgraded client WebSocket to an upstream WebSocket, frame by frame.
///
/// Data frames (text, binary, continuation) are copied as they arrive, so fragmented
/// messages are never collected in memory; pings and pongs are answered on each leg by
/// that leg's own handler. When either side closes, the other one is closed too.
public enum WebSocketProxy {
    /// Largest single frame accepted on either leg.
    public static let maxFrameSize = 1 << 20

    /// The `ws://` or `wss://` URL for an `http://` or `https://` upstream URL.
    public static func webSocketURL(for httpURL: String) -> String {
        if httpURL.lowercased().hasPrefix("https://") { return "wss://" + httpURL.dropFirst("https://".count) }
        if httpURL.lowercased().hasPrefix("http://") { return "ws://" + httpURL.dropFirst("http://".count) }
        return httpURL
    }

    /// Headers of the client's handshake that the upstream handshake must not repeat:
    /// the WebSocket client writes its own key, version, upgrade and host.
    static let handshakeHeaders: Set<String> = [
        "host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version",
        "sec-websocket-extensions", "sec-websocket-accept", "content-length", "transfer-encoding",
    ]

    /// `headers` (already sanitized, identity and forwarding headers set) minus the handshake's own.
    static func upstreamHandshakeHeaders(_ headers: HTTPFields) -> HTTPFields {
        HTTPFields(headers.filter { !handshakeHeaders.contains($0.name.canonicalName) })
    }

    /// Connects to `url` with `headers` and pumps frames between it and the client until
    /// either side closes. Throws when the upstream cannot be reached; the caller's
    /// WebSocket handler then closes the client with 1011.
    static func relay(
        client inbound: WebSocketInboundStream,
        _ outbound: WebSocketOutboundWriter,
        to url: String,
        headers: HTTPFields,
        logger: Logger
    ) async throws {
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: maxFrameSize, additionalHeaders: upstreamHandshakeHeaders(headers))
        try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) {
            upstreamInbound, upstreamOutbound, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await pump(inbound, to: upstreamOutbound) }
                group.addTask { try await pump(upstreamInbound, to: outbound) }
                // The first leg to end (a close from its peer) ends the relay; leaving
                // the handlers closes both connections.
                try await group.next()
                group.cancelAll()
            }
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
