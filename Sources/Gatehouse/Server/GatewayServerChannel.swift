import HTTPTypes
import Hummingbird
public import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
// WebSocketHandler runs the WebSocket protocol (pings, close handshake, fragments) on an
// upgraded channel. Hummingbird's own upgrade channel uses it the same way, but answers
// every refused handshake with a bare 400; ours answers with the gateway's 401, 403 or 404.
@_spi(WSInternal) import WSCore

/// The gateway's HTTP/1.1 connection: plain HTTP through Hummingbird's responder, and a
/// WebSocket upgrade only when the gateway allows the handshake (valid session, access
/// rules passed, an upstream to relay to; see ``Gateway/webSocketHandshake(_:peer:ownPrefixes:logger:)``).
///
/// A refused handshake gets the same answer a plain request would (401, never a login
/// redirect; 403 naming the requirement; 404), then the connection closes. NIO's upgrade
/// handler does not hand a refused handshake's request on to the HTTP pipeline, which is why
/// the answer is decided together with the upgrade.
struct GatewayServerChannel: ServerChildChannel, HTTPChannelHandler {
    /// What the first request of a connection turned it into.
    enum Negotiated: Sendable {
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, Response)
        case webSocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, WebSocketRelay, Logger)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    /// Decides a handshake that opens a connection.
    typealias Decide = @Sendable (HTTPRequest, _ peer: String?, Logger) async -> WebSocketHandshakeAnswer

    let responder: Responder
    let configuration: HTTP1Channel.Configuration
    /// Plain proxied requests are forwarded on the event loop when set (see ``EventLoopProxyHandler``).
    let proxyRouter: EventLoopProxyRouter?
    let decide: Decide
    let front: FrontSettings
    let connections: ConnectionLimit

    /// The client-facing limits every connection gets.
    struct FrontSettings: Sendable {
        var headerReadTimeout: TimeAmount = .seconds(10)
        var idleTimeout: TimeAmount = .seconds(60)
        var maxConnections = 10_000
        /// Counts each answer the front gives by itself, by status.
        var refused: @Sendable (Int) -> Void = { _ in }
    }

    /// A server builder for ``Hummingbird/Application``.
    static func builder(
        configuration: HTTP1Channel.Configuration = .init(), front: FrontSettings = FrontSettings(),
        proxyRouter: EventLoopProxyRouter? = nil, decide: @escaping Decide
    ) -> HTTPServerBuilder {
        let connections = ConnectionLimit(maximum: front.maxConnections)
        return HTTPServerBuilder { responder in
            GatewayServerChannel(
                responder: responder, configuration: configuration, proxyRouter: proxyRouter, decide: decide, front: front,
                connections: connections)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        _ = connections.admit(channel)
        let front = self.front
        return channel.eventLoop.makeCompletedFuture {
            // The answer to this connection's handshake, from shouldUpgrade to whichever
            // of the two completion handlers NIO runs next.
            let answered = NIOLockedValueBox<WebSocketHandshakeAnswer?>(nil)
            let decide = self.decide
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: WebSocketRelay.maxFrameSize,
                shouldUpgrade: { channel, head in
                    let peer = channel.remoteAddress?.ipAddress
                    let decided = channel.eventLoop.makeFutureWithTask {
                        guard let request = try? HTTPRequest(head, secure: false, splitCookie: false) else {
                            return WebSocketHandshakeAnswer.refuse(Response(status: .badRequest))
                        }
                        return await decide(request, peer, logger)
                    }
                    return decided.map { answer in
                        answered.withLockedValue { $0 = answer }
                        guard case .relay = answer else { return nil }
                        // The front reads HTTP parts only. Upgrading removes the parser, which
                        // then hands on the bytes that came in behind the handshake (a client's
                        // first frames) as they are: the front must be gone before that.
                        let handlers = channel.pipeline.syncOperations
                        if let frontContext = try? handlers.context(handlerType: HTTPFrontHandler.self) {
                            handlers.removeHandler(context: frontContext, promise: nil)
                        }
                        return HTTPHeaders()
                    }
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard case .relay(let relay) = answered.withLockedValue({ $0 }) else {
                            throw ChannelError.inappropriateOperationForState
                        }
                        let frames = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        return .webSocket(frames, relay, logger)
                    }
                }
            )
            let http1 = self.configuration
            let proxyRouter = self.proxyRouter
            var pipeline = NIOUpgradableHTTPServerPipelineConfiguration<Negotiated>(
                upgradeConfiguration: NIOTypedHTTPServerUpgradeConfiguration(
                    upgraders: [upgrader],
                    notUpgradingCompletionHandler: { channel in
                        channel.eventLoop.makeCompletedFuture {
                            let handlers = channel.pipeline.syncOperations
                            try handlers.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                            try handlers.addHandlers(http1.additionalChannelHandlers())
                            try handlers.addHandler(
                                HTTPConnectionStateHandler(idleTimeout: http1.idleTimeout.map { .init($0) }, logger: logger))
                            if let proxyRouter, answered.withLockedValue({ $0 }) == nil {
                                try handlers.addHandler(EventLoopProxyHandler(router: proxyRouter, logger: logger))
                            }
                            let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                            if case .refuse(let response) = answered.withLockedValue({ $0 }) {
                                return .refused(http, response)
                            }
                            return .http(http)
                        }
                    }
                ))
            pipeline.enablePipelining = false
            pipeline.enableErrorHandling = false
            pipeline.enableResponseHeaderValidation = false
            pipeline.decoderConfiguration.maxHeaderFieldSize = http1.httpDecoder.maxHeaderFieldSize
            pipeline.decoderConfiguration.maxHeaderListSize = http1.httpDecoder.maxHeaderListSize
            pipeline.decoderConfiguration.maxHeaderFieldCount = http1.httpDecoder.maxHeaderFieldCount
            let handlers = channel.pipeline.syncOperations
            let negotiated = try handlers.configureUpgradableHTTPServerPipeline(configuration: pipeline)
            let decoder = try handlers.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try handlers.addHandler(
                HTTPFrontHandler(
                    headerReadTimeout: front.headerReadTimeout, idleTimeout: front.idleTimeout, now: channel.eventLoop.now,
                    logger: logger, refused: front.refused),
                position: .after(decoder))
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .refused(let http, let response):
                try await Self.answer(http, with: response)
            case .webSocket(let frames, let relay, let logger):
                _ = try await WebSocketHandler.handle(
                    type: .server,
                    configuration: .init(
                        extensions: [], autoPing: .enabled(timePeriod: .seconds(30)), validateUTF8: false,
                        maxFrameSize: WebSocketRelay.maxFrameSize),
                    asyncChannel: frames,
                    context: WebSocketRelay.Context(logger: logger),
                    handler: { inbound, outbound, context in try await relay.run(inbound, outbound, logger: context.logger) })
            }
        } catch let error as ChannelError where error == .inputClosed {
            logger.trace("connection closed before its first request")
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// Writes a refused handshake's answer and closes the connection: NIO has already
    /// consumed the request, so the connection cannot go on serving HTTP.
    private static func answer(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, with response: Response) async throws {
        var head = response.head
        head.headerFields[.connection] = "close"
        if let length = response.body.contentLength { head.headerFields[.contentLength] = String(length) }
        let body = response.body
        try await http.executeThenClose { _, outbound in
            try await ResponseWriter(outbound: outbound).write(response: head, body: body)
        }
    }
}
