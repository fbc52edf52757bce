import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A proxied request that the connection's event loop forwards by itself: everything about
/// it was decided without waiting (see ``Gateway/eventLoopRoute(_:peer:ownPrefixes:)``).
struct EventLoopRoute: Sendable {
    /// The request head for the upstream: its authority, the mapped path, the rewritten headers.
    var head: HTTPRequest
    /// Where to connect, with the upstream's timeouts.
    var endpoint: UpstreamEndpoint
    /// The pools of the configuration snapshot that routed the request.
    var proxy: ReverseProxy
    /// The client asked for the connection to close after this response.
    var closeAfterResponse: Bool
}

extension Gateway {
    /// The event-loop route for `request`, or nil when Hummingbird's handlers must answer it.
    ///
    /// Only the plain forward is taken here: a request for a proxied path whose session is
    /// already in memory (or that needs none) and passes the access rules, to an `http`
    /// upstream. Anything else (a session only the database knows, one due for a touch, a
    /// login redirect, 401, 403, 404, WebSocket handshakes, the gateway's own paths) returns
    /// nil and takes the route through ``proxyRequest(_:context:)``, which gives the same
    /// answers it always did. Both routes build upstream headers with ``upstreamHeaders(_:identity:peer:live:)``.
    func eventLoopRoute(_ request: HTTPRequest, peer: String?, ownPrefixes: [String]) -> EventLoopRoute? {
        guard let target = request.path, target.hasPrefix("/"), !Self.isWebSocketHandshake(request.headerFields) else {
            return nil
        }
        let live = runtime.current
        let path = PathMatcher.canonical(target)
        guard !Self.isGatewayPath(path, routePrefix: live.config.routePrefix),
            !ownPrefixes.contains(where: { PathMatcher.matches(path, prefix: $0) })
        else {
            return nil
        }
        var identity: SessionIdentity?
        var sessionKey: String?
        if let id = Self.cookie(live.config.cookie.name, in: request.headerFields), SessionID.isWellFormed(id) {
            // Unknown to memory is not "unknown": the database may have it. Due for a touch
            // means a write. Both go the awaited way.
            guard let session = store.cachedSession(id) else { return nil }
            let slack = min(60, live.config.session.idleTimeout.timeInterval / 10)
            guard clock.now.timeIntervalSince(session.lastSeenAt) <= slack else { return nil }
            identity = session.identity
            sessionKey = session.idHash
        }
        let decision = live.policy.decide(
            AccessRequest(method: request.method.rawValue, target: target, accept: request.headerFields[.accept], identity: identity))
        let forwarded: SessionIdentity?
        switch decision {
        case .allowPublic: forwarded = nil
        case .allow: forwarded = identity
        case .redirectToLogin, .unauthenticated, .forbidden: return nil
        }
        guard let upstream = UpstreamTarget.choose(for: target, upstreams: live.config.upstreams),
            let endpoint = live.proxy.endpoint(upstream.index),
            upstream.url.hasPrefix(endpoint.origin)
        else { return nil }
        var upstreamPath = String(upstream.url.dropFirst(endpoint.origin.count))
        if !upstreamPath.hasPrefix("/") { upstreamPath = "/" + upstreamPath }

        var fields = upstreamHeaders(request, identity: forwarded, peer: peer, live: live, sessionKey: sessionKey)
        // Hop-by-hop removal took Transfer-Encoding; a chunked body is re-framed as chunked.
        if fields[.contentLength] == nil, Self.isChunked(request.headerFields) {
            fields[.transferEncoding] = "chunked"
        }
        let head = HTTPRequest(method: request.method, scheme: nil, authority: endpoint.authority, path: upstreamPath, headerFields: fields)
        let close = HopByHopHeaders.connectionLists("close", in: request.headerFields)
        return EventLoopRoute(head: head, endpoint: endpoint, proxy: live.proxy, closeAfterResponse: close)
    }

    /// The response for an upstream that failed before answering: the same page the awaited route shows.
    func upstreamFailureResponse(_ failure: ProxyFailure, reference: String) -> (HTTPResponse, ByteBuffer) {
        let body = ByteBuffer(string: pages.render(.upstreamFailed(failure, reference: reference)))
        let fields: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentLength: String(body.readableBytes),
        ]
        return (HTTPResponse(status: .init(code: failure.status), headerFields: fields), body)
    }

    static func isChunked(_ fields: HTTPFields) -> Bool {
        fields[values: .transferEncoding].contains { $0.lowercased().contains("chunked") }
    }
}
