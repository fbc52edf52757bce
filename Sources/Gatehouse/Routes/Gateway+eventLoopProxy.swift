import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A proxied request that the connection's event loop forwards: where, and with which head.
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
    /// The exchange's route for a request the door lets through: the upstream head (its
    /// authority, the canonical path, the rewritten headers) and where to connect; nil when
    /// the upstream is not one the pool connects to.
    func eventLoopRoute(_ request: HTTPRequest, forward: DoorForward, peer: String?, live: GatewayRuntime) -> EventLoopRoute? {
        guard let upstream = forward.upstream, let endpoint = live.proxy.endpoint(upstream.index) else { return nil }
        let upstreamPath = endpoint.basePath.isEmpty ? upstream.pathAndQuery : endpoint.basePath + upstream.pathAndQuery
        let fields = upstreamHeaders(request, identity: forward.identity, peer: peer, live: live, sessionKey: forward.sessionKey)
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
