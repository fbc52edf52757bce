import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore

/// What the gateway does with a WebSocket handshake that opens a connection.
public enum WebSocketHandshakeAnswer: Sendable {
    /// Upgrade, and relay the connection upstream.
    case relay(WebSocketRelay)
    /// Do not upgrade: answer with this response (401, 403, 404…) and close.
    case refuse(Response)
}

extension Gateway {
    /// The answer to a WebSocket handshake that opens a connection.
    ///
    /// The handshake is authenticated exactly like any proxied request (session cookie,
    /// access rules, public paths; see ``authorize(_:live:logger:reference:)``). Only an
    /// allowed one is relayed; every other one gets the answer a plain request would get,
    /// except that an unauthenticated handshake gets 401, never a login redirect
    /// (see ``isWebSocketHandshake(_:)``).
    public func webSocketHandshake(_ head: HTTPRequest, peer: String?, ownPrefixes: [String] = [], logger: Logger) async
        -> WebSocketHandshakeAnswer
    {
        let request = Request(head: head, body: .init(buffer: ByteBuffer()))
        let live = runtime.current
        // The handshake never reaches the router, so it gets its own reference ID, shown on
        // a refusal page and logged like any request's.
        let reference = RequestID().description
        var logger = logger
        logger[metadataKey: "hb.request.id"] = .string(reference)
        let forward: DoorForward
        switch await authorize(request, live: live, logger: logger, reference: reference, ownPrefixes: ownPrefixes) {
        case .allow(let allowed): forward = allowed
        case .refuse(let response): return .refuse(response)
        case .own:
            return .refuse(
                html(
                    .badRequest,
                    pages.render(
                        MessagePage(
                            title: "Not a WebSocket address", heading: "Not a WebSocket address",
                            message: "Gatehouse's own pages do not accept WebSocket connections."))))
        }
        guard let upstream = forward.upstream else {
            return .refuse(refusal(.notFound, reference: reference, live: live, logger: logger))
        }
        guard let endpoint = live.proxy.endpoint(upstream.index) else {
            let failure = ProxyFailure.unreachable(upstream: upstream.base, reason: "not an http(s)://host[:port] URL")
            logger.error("upstream WebSocket failed", metadata: ["upstream.url": "\(upstream.base)", "upstream.error": "\(failure)"])
            let (head, body) = upstreamFailureResponse(failure, reference: reference)
            return .refuse(Response(status: head.status, headers: head.headerFields, body: .init(byteBuffer: body)))
        }
        metrics.proxied(status: 101)
        return .relay(
            WebSocketRelay(
                endpoint: endpoint, path: endpoint.basePath + upstream.pathAndQuery,
                headers: upstreamHeaders(request.head, identity: forward.identity, peer: peer, live: live, sessionKey: forward.sessionKey),
                sessionCheck: forward.identity == nil ? nil : sessionCheck(request.headers, live: live, logger: logger),
                sessionCheckInterval: .seconds(SessionStoreFactory.cacheLifetime)))
    }

    /// The relay's recheck of the session a handshake was allowed with: true while the store
    /// still has it (``lookUpSession(_:logger:)``, the lookup the handshake used), false once
    /// it was revoked, logged out or expired. An open WebSocket counts as a use of its
    /// session (``touchIfDue(_:live:logger:)``). Nil when the handshake carried no session.
    func sessionCheck(_ fields: HTTPFields, live: GatewayRuntime, logger: Logger) -> (@Sendable () async -> Bool)? {
        guard let id = Self.cookie(live.config.cookie.name, in: fields) else { return nil }
        return {
            let lookup = await lookUpSession(id, logger: logger)
            guard case .live = lookup else { return false }
            touchIfDue(lookup, live: live, logger: logger)
            return true
        }
    }

    /// True for a WebSocket handshake (`Upgrade: websocket`), which must never be
    /// redirected to a login page: a script cannot follow it.
    static func isWebSocketHandshake(_ headers: HTTPFields) -> Bool {
        headers[values: .upgrade].contains { $0.lowercased().contains("websocket") }
    }
}
