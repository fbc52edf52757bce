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
    private func act(
        on decision: DoorDecision, head: HTTPRequest, lookup: SessionLookup, live: GatewayRuntime, context: ChannelHandlerContext
    ) {
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
                let failure = ProxyFailure.unreachable(
                    upstream: forward.upstream?.url ?? "", reason: "the upstream URL is not http(s)://host[:port][/path]")
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
///
/// Its decisions are ``ProxyExchangeStateMachine``'s; this class performs them on the two
/// connections.
final class ProxyExchange: UpstreamConnectionDelegate {
    private let route: EventLoopRoute
    private var owner: EventLoopProxyHandler?
    private let context: ChannelHandlerContext
    private let router: EventLoopProxyRouter
    private let logger: Logger
    private let connector: any UpstreamConnector
    private let started = ContinuousClock.now
    private var machine: ProxyExchangeStateMachine

    private var connection: UpstreamConnection?
    private var upstream: UpstreamConnectionHandler?
    private var timer: Scheduled<Void>?

    init(
        route: EventLoopRoute, owner: EventLoopProxyHandler, context: ChannelHandlerContext, router: EventLoopProxyRouter, logger: Logger,
        connector: (any UpstreamConnector)? = nil
    ) {
        self.route = route
        self.owner = owner
        self.context = context
        self.router = router
        self.logger = logger
        self.connector = connector ?? route.proxy.pool
        self.machine = ProxyExchangeStateMachine(
            upstreamURL: route.endpoint.url, readTimeout: route.endpoint.readTimeout, closeAfterResponse: route.closeAfterResponse,
            now: context.eventLoop.now)
    }

    private var now: NIODeadline { context.eventLoop.now }

    /// True while more of the request body could not be sent on.
    var holdsClientReads: Bool {
        machine.holdsClientReads(upstreamWritable: connection?.channel.isWritable ?? false)
    }

    func start() {
        router.gateway.metrics.forwardedOnEventLoop()
        connector.acquire(route.endpoint, on: context.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let (connection, reused)): self.attach(connection, reused: reused)
            case .failure(let error): self.fail(self.failure(error))
            }
        }
    }

    private func attach(_ connection: UpstreamConnection, reused: Bool) {
        guard let attach = machine.connected(reused: reused, now: now) else {
            connection.channel.close(promise: nil)
            return
        }
        let handler = connection.handler.value
        handler.delegate = self
        self.connection = connection
        self.upstream = handler
        handler.send(.head(route.head))
        for part in attach.pending { handler.send(part) }
        handler.flush()
        schedule(attach.timer)
        owner?.resumeReads()
    }

    /// A part of the client's request (never the head: that is ``EventLoopRoute/head``).
    func requestPart(_ part: HTTPRequestPart) {
        guard case .send(let forwarded, let arm) = machine.requestPart(part, now: now) else { return }
        upstream?.send(forwarded)
        if let arm {
            upstream?.flush()
            schedule(arm)
        }
    }

    func flushUpstream() {
        upstream?.flush()
    }

    func clientWritabilityChanged(_ writable: Bool) {
        guard writable, machine.clientWritable(now: now) else { return }
        upstream?.setReading(true)
    }

    /// The client connection went away: drop the upstream connection, it is mid-exchange.
    func clientClosed() {
        guard machine.clientClosed() else { return }
        timer?.cancel()
        closeUpstream()
        owner = nil
    }

    // MARK: upstream events

    func upstreamRead(_ part: HTTPResponsePart) {
        guard !machine.finished else { return }
        switch part {
        case .head(let response):
            switch machine.responseHead(response, now: now) {
            case .writeInformational(let head):
                context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
            case .write(var head):
                if let server = router.serverName { head.headerFields[.server] = server }
                router.gateway.metrics.upstreamLatency(ContinuousClock.now - started)
                context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
            case .fail(let failure):
                fail(failure)
            }
        case .body(let buffer):
            machine.responseBody(now: now)
            context.write(NIOAny(HTTPResponsePart.body(buffer)), promise: nil)
        case .end:
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil)), promise: written)
            router.gateway.metrics.proxied(status: machine.status)
            let paused = machine.readPaused
            let finish = machine.responseEnd()
            end(
                releaseUpstream: finish.releaseUpstream, closeClient: finish.closeClient, written: written.futureResult,
                resumeReading: paused)
        }
    }

    func upstreamReadComplete() {
        guard !machine.finished else { return }
        context.flush()
        if machine.upstreamReadComplete(clientWritable: context.channel.isWritable) {
            upstream?.setReading(false)
        }
    }

    func upstreamWritabilityChanged() {
        if connection?.channel.isWritable ?? false { machine.upstreamWritable(now: now) }
        owner?.resumeReads()
    }

    func upstreamClosed(error: (any Error)?) {
        upstream = nil
        connection = nil
        switch machine.upstreamClosed(error: error) {
        case .none:
            return
        case .reconnect:
            connector.connect(route.endpoint, on: context.eventLoop).assumeIsolated().whenComplete { result in
                switch result {
                case .success(let connection): self.attach(connection, reused: false)
                case .failure(let error): self.fail(self.failure(error))
                }
            }
        case .fail(let failure):
            fail(failure)
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
    /// the response had begun, a closed connection.
    private func fail(_ failure: ProxyFailure) {
        let action = machine.failed()
        guard action != .none else { return }
        closeUpstream()
        let reference = RequestID().description
        var logger = logger
        logger[metadataKey: "hb.request.id"] = .string(reference)
        logger.error("upstream failed", metadata: ["upstream.error": "\(failure)"])
        router.gateway.metrics.proxied(status: failure.status)
        guard case .page(let close) = action else {
            end(releaseUpstream: false, closeClient: true, written: context.eventLoop.makeSucceededVoidFuture())
            return
        }
        var (head, body) = router.gateway.upstreamFailureResponse(failure, reference: reference)
        if close { head.headerFields[.connection] = "close" }
        if let server = router.serverName { head.headerFields[.server] = server }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(body)), promise: nil)
        context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil)), promise: written)
        end(releaseUpstream: false, closeClient: close, written: written.futureResult)
    }

    private func end(releaseUpstream: Bool, closeClient: Bool, written: EventLoopFuture<Void>, resumeReading: Bool = false) {
        timer?.cancel()
        timer = nil
        if let connection {
            if releaseUpstream {
                // Reading was paused for a slow client; an idle connection reads, so that an
                // upstream closing it is noticed.
                if resumeReading { upstream?.setReading(true) }
                connector.release(connection, endpoint: route.endpoint)
            } else {
                closeUpstream()
            }
        }
        connection = nil
        upstream = nil
        let owner = self.owner
        self.owner = nil
        owner?.exchangeFinished(self, close: closeClient, written: written)
    }

    private func closeUpstream() {
        upstream?.delegate = nil
        connection?.channel.close(promise: nil)
        upstream = nil
        connection = nil
    }

    // MARK: read timeout

    private func schedule(_ deadline: NIODeadline) {
        guard timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.timerFired() }
    }

    private func timerFired() {
        timer = nil
        switch machine.timerFired(now: now, upstreamWritable: connection?.channel.isWritable ?? false) {
        case .none: return
        case .rearm(let deadline): schedule(deadline)
        case .fail(let failure): fail(failure)
        }
    }
}
