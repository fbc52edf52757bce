import HTTPTypes
public import Hummingbird
public import HummingbirdWebSocket
public import Logging
import NIOCore

extension Gateway {
    /// The answer to a WebSocket handshake on a proxied path.
    ///
    /// The handshake is authenticated exactly like any proxied request (session cookie,
    /// access rules, public paths). Only an allowed request is upgraded; everything else
    /// falls through to the normal HTTP handling, which answers 401 (never a redirect:
    /// see ``isWebSocketHandshake(_:)``), 403 or 404 without upgrading.
    public func webSocketUpgrade(
        _ head: HTTPRequest,
        peer: String?,
        ownPrefixes: [String] = [],
        logger: Logger
    ) async -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let path = PathMatcher.canonical(head.path ?? "/")
        guard !isGatewayPath(path), !ownPrefixes.contains(where: { PathMatcher.matches(path, prefix: $0) }) else {
            return .dontUpgrade
        }
        let request = Request(head: head, body: .init(buffer: ByteBuffer()))
        let target = request.uri.description
        let live = runtime.current
        let current = await currentSession(request, logger: logger)
        let decision = live.policy.decide(
            AccessRequest(method: request.method.rawValue, target: target, accept: nil, identity: current?.session.identity))
        let identity: SessionIdentity?
        switch decision {
        case .allowPublic: identity = nil
        case .allow: identity = current?.session.identity
        case .redirectToLogin, .unauthenticated, .forbidden: return .dontUpgrade
        }
        guard let upstream = UpstreamTarget.choose(for: target, upstreams: live.config.upstreams) else { return .dontUpgrade }
        let headers = upstreamHeaders(request, identity: identity, peer: peer, live: live)
        let url = WebSocketProxy.webSocketURL(for: upstream.url)
        let metrics = metrics
        return .upgrade([:]) { inbound, outbound, context in
            metrics.proxied(status: 101)
            do {
                try await WebSocketProxy.relay(client: inbound, outbound, to: url, headers: headers, logger: context.logger)
            } catch {
                logger.error("upstream WebSocket failed", metadata: ["upstream.url": "\(url)", "upstream.error": "\(error)"])
                throw error
            }
        }
    }

    /// True for a WebSocket handshake (`Upgrade: websocket`), which must never be
    /// redirected to a login page: a script cannot follow it.
    static func isWebSocketHandshake(_ headers: HTTPFields) -> Bool {
        headers[values: .upgrade].contains { $0.lowercased().contains("websocket") }
    }
}
