import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTPTypes

/// What a connection needs to forward requests on its event loop.
struct EventLoopProxyRouter: Sendable {
    let gateway: Gateway
    /// Prefixes Gatehouse serves itself besides its own paths (the development IdP).
    let ownPrefixes: [String]
    /// The `Server` header every response carries (Hummingbird's responder sets the same).
    let serverName: String?
}

/// The one forwarding path: every request outside the gateway's own pages passes the door
/// (``Gateway/decide(_:session:live:ownPrefixes:needsUpstream:)``) here and is forwarded
/// on the client connection's event loop, refused, or handed to Hummingbird's responder
/// (the gateway's own pages, and upstreams the pool cannot reach).
///
/// A forwarded request is relayed by a ``ProxyExchange`` over a pooled keep-alive
/// connection on the same event loop: no task, no thread hop, no HTTP client. A session that
/// only the store knows is looked up first (reads from the client are held meanwhile), then
/// the door decides again with the answer. A refusal is rendered by
/// ``Gateway/refusalResponse(_:reference:live:logger:)`` and written here.
///
/// Responses leave in request order: while a request is being answered (by an exchange,
/// a session lookup or the responder), requests that arrive meanwhile (pipelining) wait here
/// and no more client bytes are read.
final class EventLoopProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Where the parts of the request being read go.
    private enum Destination {
        case responder, exchange, queue, discard, lookup
    }

    private let router: EventLoopProxyRouter
    private let logger: Logger
    private var destination = Destination.responder
    /// Requests handed to the responder whose response has not ended yet.
    private var responderRequests = 0
    private var exchange: ProxyExchange?
    /// The request whose session the store is being asked for, and its parts meanwhile.
    private var lookupHead: HTTPRequest?
    private var lookupParts: [HTTPRequestPart] = []
    private var queued = CircularBuffer<HTTPRequestPart>()
    private var readPending = false
    private var closing = false
    private var context: ChannelHandlerContext?
    private var peer: String?

    init(router: EventLoopProxyRouter, logger: Logger) {
        self.router = router
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        peer = context.channel.remoteAddress?.ipAddress
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        exchange?.clientClosed()
        exchange = nil
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        route(unwrapInboundIn(data), context: context, draining: false)
    }

    private var isBusy: Bool {
        exchange != nil || lookupHead != nil || responderRequests > 0
    }

    private func route(_ part: HTTPRequestPart, context: ChannelHandlerContext, draining: Bool) {
        guard !closing else { return }
        if case .head(let head) = part {
            if isBusy || (!draining && !queued.isEmpty) {
                destination = .queue
            } else {
                let gateway = router.gateway
                let live = gateway.runtime.current
                let lookup = gateway.sessionLookup(head.headerFields, live: live)
                let decision = Gateway.decide(Self.door(head), session: lookup, live: live, ownPrefixes: router.ownPrefixes)
                act(on: decision, head: head, lookup: lookup, live: live, context: context)
                if destination != .responder { return }
            }
        }
        switch destination {
        case .responder: context.fireChannelRead(wrapInboundOut(part))
        case .exchange: exchange?.requestPart(part)
        case .queue: queued.append(part)
        case .lookup: lookupParts.append(part)
        case .discard: break
        }
    }

    static func door(_ head: HTTPRequest) -> DoorRequest {
        let handshake = Gateway.isWebSocketHandshake(head.headerFields)
        return DoorRequest(
            method: head.method.rawValue, target: head.path ?? "", accept: handshake ? nil : head.headerFields[.accept])
    }

    /// Carries out the door's decision for `head`; sets ``destination`` for its other parts.
    private func act(on decision: DoorDecision, head: HTTPRequest, lookup: SessionLookup, live: GatewayRuntime, context: ChannelHandlerContext) {
        let gateway = router.gateway
        switch decision {
        case .own:
            destination = .responder
            responderRequests += 1
        case .needsStore(let id):
            destination = .lookup
            lookupHead = head
            let logger = self.logger
            context.eventLoop.makeFutureWithTask { await gateway.lookUpSession(id, logger: logger) }
                .assumeIsolated().whenSuccess { result in self.lookupFinished(result, live: live) }
        case .refuse(let refusal):
            let reference = RequestID().description
            var logger = self.logger
            logger[metadataKey: "hb.request.id"] = .string(reference)
            let (response, body) = gateway.refusalResponse(refusal, reference: reference, live: live, logger: logger)
            answer(response, body: body, to: head, context: context, close: false)
        case .forward(let forward):
            if Gateway.isWebSocketHandshake(head.headerFields) {
                // An allowed handshake arriving on a connection that already served HTTP: the
                // upgrade only happens on a connection's first request, so send the client to
                // the same address on a new connection (as Hummingbird's own upgrade channel does).
                let response = HTTPResponse(status: .temporaryRedirect, headerFields: [.location: head.path ?? "/", .contentLength: "0"])
                answer(response, body: ByteBuffer(), to: head, context: context, close: true)
                return
            }
            guard let route = gateway.eventLoopRoute(head, forward: forward, peer: peer, live: live) else {
                // An upstream URL the configuration check refuses; never forwarded another way.
                let failure = ProxyFailure.unreachable(upstream: forward.upstream?.url ?? "", reason: "the upstream URL is not http(s)://host[:port][/path]")
                let (response, body) = gateway.upstreamFailureResponse(failure, reference: RequestID().description)
                answer(response, body: body, to: head, context: context, close: false)
                return
            }
            gateway.touchIfDue(lookup, live: live, logger: logger)
            destination = .exchange
            let exchange = ProxyExchange(route: route, owner: self, context: context, router: router, logger: logger)
            self.exchange = exchange
            exchange.start()
        }
    }

    /// The store answered for the session of the request waiting in ``lookupHead``.
    private func lookupFinished(_ lookup: SessionLookup, live: GatewayRuntime) {
        guard let head = lookupHead, let context, !closing else { return }
        lookupHead = nil
        let parts = lookupParts
        lookupParts = []
        let decision = Gateway.decide(Self.door(head), session: lookup, live: live, ownPrefixes: router.ownPrefixes)
        act(on: decision, head: head, lookup: lookup, live: live, context: context)
        var forwarded = false
        if destination == .responder {
            context.fireChannelRead(wrapInboundOut(.head(head)))
            forwarded = true
        }
        for part in parts {
            route(part, context: context, draining: true)
            if destination == .responder { forwarded = true }
        }
        if forwarded { context.fireChannelReadComplete() }
        drain(context: context)
    }

    /// Writes a response the door decided on. A request with a body (or that asked for it)
    /// closes the connection after the answer instead of reading a body nobody wants.
    private func answer(_ response: HTTPResponse, body: ByteBuffer, to request: HTTPRequest, context: ChannelHandlerContext, close: Bool) {
        let close = close || Self.hasBody(request) || HopByHopHeaders.connectionLists("close", in: request.headerFields)
        var head = response
        if close { head.headerFields[.connection] = "close" }
        if let server = router.serverName { head.headerFields[.server] = server }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .head, body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(body)), promise: nil)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        destination = .discard
        if close {
            closing = true
            queued.removeAll()
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    static func hasBody(_ request: HTTPRequest) -> Bool {
        if Gateway.isChunked(request.headerFields) { return true }
        return request.headerFields[.contentLength].map { $0 != "0" } ?? false
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.flushUpstream()
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), responderRequests > 0 {
            responderRequests -= 1
            if responderRequests == 0, !queued.isEmpty {
                // Route what waited once this write is done, not from inside it.
                context.eventLoop.assumeIsolated().execute { [self] in
                    if let context = self.context { drain(context: context) }
                }
            }
        }
        context.write(data, promise: promise)
    }

    func read(context: ChannelHandlerContext) {
        if holdsReads {
            readPending = true
            return
        }
        context.read()
    }

    /// Reading stops while requests wait in the queue, while a session lookup runs, and while
    /// the exchange cannot pass request bytes on; otherwise it goes on, so a connection is
    /// not re-registered with the selector for every request.
    private var holdsReads: Bool {
        !queued.isEmpty || lookupHead != nil || (exchange?.holdsClientReads ?? false)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.clientWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchange?.clientClosed()
        exchange = nil
        lookupHead = nil
        context.fireChannelInactive()
    }

    /// The exchange can take client bytes again.
    func resumeReads() {
        guard readPending, let context, !holdsReads else { return }
        readPending = false
        context.read()
    }

    /// The exchange has written its last response byte (`written` completes when it is out).
    /// `close`: the connection cannot serve another request.
    /// (An exchange whose request was not all read always closes.)
    func exchangeFinished(_ finished: ProxyExchange, close: Bool, written: EventLoopFuture<Void>) {
        guard exchange === finished, let context else { return }
        exchange = nil
        if close {
            destination = .discard
            closing = true
            queued.removeAll()
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        drain(context: context)
    }

    /// Routes the requests that waited, until one of them keeps the connection busy.
    private func drain(context: ChannelHandlerContext) {
        var forwarded = false
        while let part = queued.first {
            if case .head = part, isBusy { break }
            queued.removeFirst()
            route(part, context: context, draining: true)
            if destination == .responder { forwarded = true }
        }
        if forwarded { context.fireChannelReadComplete() }
        exchange?.flushUpstream()
        resumeReads()
    }
}

/// One request relayed to the upstream and its response relayed back, on the event loop.
final class ProxyExchange: UpstreamConnectionDelegate {
    private let route: EventLoopRoute
    private var owner: EventLoopProxyHandler?
    private let context: ChannelHandlerContext
    private let router: EventLoopProxyRouter
    private let logger: Logger
    private let started = ContinuousClock.now

    private var connection: UpstreamConnection?
    private var upstream: UpstreamConnectionHandler?
    private var reused = false
    private var retried = false
    /// Request parts that arrived before the connection was ready.
    private var pending: [HTTPRequestPart] = []
    private var sawRequestBody = false
    private var requestComplete = false
    private var sawResponse = false
    private var responseStarted = false
    private var upstreamKeepAlive = true
    /// Upstream reads stopped because the client is not taking bytes.
    private var readPaused = false
    private var lastUpstreamActivity = NIODeadline.now()
    private var timer: Scheduled<Void>?
    private var finished = false
    private var status = 0

    init(route: EventLoopRoute, owner: EventLoopProxyHandler, context: ChannelHandlerContext, router: EventLoopProxyRouter, logger: Logger)
    {
        self.route = route
        self.owner = owner
        self.context = context
        self.router = router
        self.logger = logger
    }

    /// True while more of the request body could not be sent on: no connection yet, or the
    /// upstream not writable. (Bytes after the request are queued by the handler.)
    var holdsClientReads: Bool {
        guard !finished, !requestComplete else { return false }
        guard let connection else { return true }
        return !connection.channel.isWritable
    }

    func start() {
        router.gateway.metrics.forwardedOnEventLoop()
        route.proxy.pool.acquire(route.endpoint, on: context.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let (connection, reused)): self.attach(connection, reused: reused)
            case .failure(let error): self.fail(self.failure(error))
            }
        }
    }

    private func attach(_ connection: UpstreamConnection, reused: Bool) {
        guard !finished else {
            connection.channel.close(promise: nil)
            return
        }
        let handler = connection.handler.value
        handler.delegate = self
        self.connection = connection
        self.upstream = handler
        self.reused = reused
        handler.send(.head(route.head))
        for part in pending { handler.send(part) }
        pending.removeAll()
        handler.flush()
        lastUpstreamActivity = .now()
        armTimer()
        owner?.resumeReads()
    }

    /// A part of the client's request (never the head: that is ``EventLoopRoute/head``).
    func requestPart(_ part: HTTPRequestPart) {
        guard !finished else { return }
        switch part {
        case .head: return
        case .body: sawRequestBody = true
        case .end: requestComplete = true
        }
        // Trailers are headers too, and nothing strips them: they never go upstream.
        let forwarded: HTTPRequestPart = requestComplete ? .end(nil) : part
        guard let upstream else {
            pending.append(forwarded)
            return
        }
        upstream.send(forwarded)
        if requestComplete {
            upstream.flush()
            // From here on the wait is for the response.
            lastUpstreamActivity = .now()
            armTimer()
        }
    }

    func flushUpstream() {
        upstream?.flush()
    }

    func clientWritabilityChanged(_ writable: Bool) {
        guard writable, readPaused, !finished else { return }
        readPaused = false
        lastUpstreamActivity = .now()
        upstream?.setReading(true)
    }

    /// The client connection went away: drop the upstream connection, it is mid-exchange.
    func clientClosed() {
        guard !finished else { return }
        finished = true
        timer?.cancel()
        closeUpstream()
        owner = nil
    }

    // MARK: upstream events

    func upstreamRead(_ part: HTTPResponsePart) {
        guard !finished else { return }
        lastUpstreamActivity = .now()
        sawResponse = true
        switch part {
        case .head(var response):
            if response.status.kind == .informational {
                // 100 Continue and friends go to the client; 101 cannot happen (Upgrade is
                // never forwarded) and would leave the connection in an unknown protocol.
                guard response.status.code != 101 else {
                    fail(.unreachable(upstream: route.endpoint.url, reason: "the upstream switched protocols"))
                    return
                }
                context.write(NIOAny(HTTPResponsePart.head(response)), promise: nil)
                return
            }
            let (fields, close) = HopByHopHeaders.strip(response.headerFields)
            upstreamKeepAlive = !close
            response.headerFields = fields
            if let server = router.serverName { response.headerFields[.server] = server }
            if route.closeAfterResponse { response.headerFields[.connection] = "close" }
            status = response.status.code
            responseStarted = true
            router.gateway.metrics.upstreamLatency(ContinuousClock.now - started)
            context.write(NIOAny(HTTPResponsePart.head(response)), promise: nil)
        case .body(let buffer):
            context.write(NIOAny(HTTPResponsePart.body(buffer)), promise: nil)
        case .end:
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil)), promise: written)
            router.gateway.metrics.proxied(status: status)
            finish(close: route.closeAfterResponse || !requestComplete, responseComplete: true, written: written.futureResult)
        }
    }

    func upstreamReadComplete() {
        guard !finished else { return }
        context.flush()
        if !readPaused, !context.channel.isWritable {
            readPaused = true
            upstream?.setReading(false)
        }
    }

    func upstreamWritabilityChanged() {
        if connection?.channel.isWritable ?? false { lastUpstreamActivity = .now() }
        owner?.resumeReads()
    }

    func upstreamClosed(error: (any Error)?) {
        guard !finished else { return }
        upstream = nil
        connection = nil
        // A kept-alive connection the upstream closed just as we reused it: send the request
        // again on a new one, when nothing but its head had gone out.
        if !sawResponse, reused, !retried, !sawRequestBody {
            retried = true
            if requestComplete { pending = [.end(nil)] }
            route.proxy.pool.connect(route.endpoint, on: context.eventLoop).assumeIsolated().whenComplete { result in
                switch result {
                case .success(let connection): self.attach(connection, reused: false)
                case .failure(let error): self.fail(self.failure(error))
                }
            }
            return
        }
        if let error {
            fail(.unreachable(upstream: route.endpoint.url, reason: "\(error)"))
        } else {
            fail(.unreachable(upstream: route.endpoint.url, reason: "the upstream closed the connection"))
        }
    }

    // MARK: ending

    private func failure(_ error: any Error) -> ProxyFailure {
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .timeout(upstream: route.endpoint.url)
        }
        return .unreachable(upstream: route.endpoint.url, reason: "\(error)")
    }

    /// The upstream gave no (complete) response: the client gets the 502/504 page, or, when
    /// the response had begun, a closed connection (the only honest signal left).
    private func fail(_ failure: ProxyFailure) {
        guard !finished else { return }
        closeUpstream()
        let reference = RequestID().description
        var logger = logger
        logger[metadataKey: "hb.request.id"] = .string(reference)
        logger.error("upstream failed", metadata: ["upstream.error": "\(failure)"])
        router.gateway.metrics.proxied(status: failure.status)
        guard !responseStarted else {
            finish(close: true, responseComplete: false, written: context.eventLoop.makeSucceededVoidFuture())
            return
        }
        var (head, body) = router.gateway.upstreamFailureResponse(failure, reference: reference)
        let close = route.closeAfterResponse || !requestComplete
        if close { head.headerFields[.connection] = "close" }
        if let server = router.serverName { head.headerFields[.server] = server }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(body)), promise: nil)
        context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil)), promise: written)
        finish(close: close, responseComplete: false, written: written.futureResult)
    }

    private func finish(close: Bool, responseComplete: Bool, written: EventLoopFuture<Void>) {
        finished = true
        timer?.cancel()
        timer = nil
        if readPaused {
            readPaused = false
            upstream?.setReading(true)
        }
        if let connection {
            if responseComplete, requestComplete, upstreamKeepAlive {
                route.proxy.pool.release(connection, endpoint: route.endpoint)
            } else {
                closeUpstream()
            }
        }
        connection = nil
        upstream = nil
        let owner = self.owner
        self.owner = nil
        owner?.exchangeFinished(self, close: close, written: written)
    }

    private func closeUpstream() {
        upstream?.delegate = nil
        connection?.channel.close(promise: nil)
        upstream = nil
        connection = nil
    }

    // MARK: read timeout

    /// The upstream must make progress every `readTimeout`: while the request body is going
    /// out, take it (not staying unwritable); once the request is out, send something. Time
    /// spent waiting on the client (its next body bytes, or its reading of the response)
    /// does not count.
    private func armTimer() {
        guard timer == nil, !finished, upstream != nil else { return }
        let deadline = lastUpstreamActivity + route.endpoint.readTimeout
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.timerFired() }
    }

    private func timerFired() {
        timer = nil
        guard !finished else { return }
        if readPaused { lastUpstreamActivity = .now() }
        if !requestComplete, connection?.channel.isWritable ?? false { lastUpstreamActivity = .now() }
        if lastUpstreamActivity + route.endpoint.readTimeout > .now() {
            armTimer()
            return
        }
        fail(.timeout(upstream: route.endpoint.url))
    }

}
