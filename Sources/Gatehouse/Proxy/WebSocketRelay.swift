public import HTTPTypes
public import HummingbirdWebSocket
public import Logging
import NIOWebSocket

/// One allowed WebSocket handshake's way upstream: relays the upgraded client connection
/// to the upstream's WebSocket, frame by frame.
///
/// Data frames (text, binary, continuation) are copied as they arrive, so fragmented
/// messages are never collected in memory; pings and pongs are answered on each leg by
/// that leg's own handler. When either side closes, the other one is closed too.
///
/// A relay opened with a session rechecks it every ``sessionCheckInterval`` while it runs:
/// once the session is gone (revoked, logged out, expired), both sides are closed with
/// close code 1008 (policy violation).
public struct WebSocketRelay: Sendable {
    /// Largest single frame accepted on either leg.
    public static let maxFrameSize = 1 << 20

    /// The upstream's URL with the request's path and query, for logs.
    public let url: String
    /// The upstream handshake's headers: the client's, sanitized, with identity and
    /// forwarding headers set, minus the handshake headers the relay writes itself.
    public let headers: HTTPFields
    /// Where to connect.
    let endpoint: UpstreamEndpoint
    /// The path and query the upstream is asked for.
    let path: String
    /// True while the handshake's session is still live; nil on a path that needs none.
    let sessionCheck: (@Sendable () async -> Bool)?
    /// How often ``sessionCheck`` is asked while the relay runs.
    let sessionCheckInterval: Duration

    /// A relay to `endpoint` for `path` (the endpoint's base path already in front) with
    /// `headers`, that asks `sessionCheck` every `sessionCheckInterval` whether its session
    /// still lives.
    init(
        endpoint: UpstreamEndpoint, path: String, headers: HTTPFields, sessionCheck: (@Sendable () async -> Bool)? = nil,
        sessionCheckInterval: Duration = .seconds(2)
    ) {
        self.endpoint = endpoint
        self.path = path
        self.sessionCheck = sessionCheck
        self.sessionCheckInterval = sessionCheckInterval
        self.url = endpoint.origin + path
        self.headers = HTTPFields(headers.filter { !Self.handshakeHeaders.contains($0.name.canonicalName) })
    }

    /// Headers of the client's handshake that the upstream handshake must not repeat.
    static let handshakeHeaders: Set<String> = [
        "host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version",
        "sec-websocket-extensions", "sec-websocket-accept", "content-length", "transfer-encoding",
    ]

    /// Connects upstream and pumps frames both ways until either side closes. Throws when
    /// the upstream cannot be reached; the client connection is then closed.
    func run(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, logger: Logger) async throws {
        do {
            try await UpstreamWebSocketConnection.run(endpoint: endpoint, path: path, headers: headers, logger: logger) {
                upstreamInbound, upstreamOutbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await Self.pump(inbound, to: upstreamOutbound) }
                    group.addTask { try await Self.pump(upstreamInbound, to: outbound) }
                    if let sessionCheck {
                        group.addTask {
                            try await Self.watch(sessionCheck, every: sessionCheckInterval)
                            logger.info("WebSocket closed: its session ended", metadata: ["upstream.url": "\(url)"])
                            try? await upstreamOutbound.close(.policyViolation, reason: "session ended")
                            try await outbound.close(.policyViolation, reason: "session ended")
                        }
                    }
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

    /// The context both legs' WebSocket handlers run in.
    struct Context: WebSocketContext {
        let logger: Logger
    }

    /// Returns once `sessionCheck` says the session is gone, asking it every `interval`.
    private static func watch(_ sessionCheck: @Sendable () async -> Bool, every interval: Duration) async throws {
        repeat {
            try await Task.sleep(for: interval)
        } while await sessionCheck()
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
