import Logging
import NIOCore
import NIOHTTP1

/// The first handler after the HTTP/1 parser on every client connection.
///
/// - A head that ``RequestHeadCheck`` refuses is answered (400, 405, 417, 501, 505) and the
///   connection closes; nothing behind this handler sees it.
/// - A message the parser refuses (space before a colon, obs-fold, bare LF, CL with TE,
///   a TLS ClientHello…) is answered 400, or 431 for headers over the limit, and the
///   connection closes: never left hanging.
/// - Header-read and idle timeouts (``ConnectionTimeouts``) close a connection whose client
///   stalls.
final class HTTPFrontHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var timeouts: ConnectionTimeouts
    private let logger: Logger
    private let refused: @Sendable (Int) -> Void
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var responseOpen = false
    /// A refusal is due: everything else the client sends is dropped until the close.
    private var closing = false
    /// A refusal waiting for the responses to earlier (pipelined) requests to end, so that
    /// answers leave in request order.
    private var pendingRefusal: (status: HTTPResponseStatus, reason: String)?
    /// The last request asked for the connection to close after it: nothing after it is read.
    private var lastRequestCloses = false

    /// A front for a connection; `refused` counts each answer it gives by status.
    init(
        headerReadTimeout: TimeAmount, idleTimeout: TimeAmount, now: NIODeadline, logger: Logger, refused: @escaping @Sendable (Int) -> Void
    ) {
        self.timeouts = ConnectionTimeouts(headerRead: headerReadTimeout, idle: idleTimeout, now: now)
        self.logger = logger
        self.refused = refused
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { rearm(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        rearm(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let part = unwrapInboundIn(data)
        let now = context.eventLoop.now
        switch part {
        case .head(let head):
            if let refusal = RequestHeadCheck.refusal(head) {
                logger.notice("request refused", metadata: ["http.refusal": "\(refusal.reason)", "http.status": "\(refusal.status.code)"])
                refuse(context: context, status: refusal.status, reason: refusal.reason)
                return
            }
            timeouts.headReceived(now: now)
            lastRequestCloses = !head.isKeepAlive
            let passed = RequestHeadCheck.withoutStrayUpgrade(head)
            if passed != head {
                context.fireChannelRead(wrapInboundOut(.head(passed)))
                return
            }
        case .body:
            timeouts.bodyReceived(now: now)
        case .end:
            timeouts.requestEnded()
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        timeouts.bytesArrived(now: context.eventLoop.now)
        rearm(context: context)
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var ended = false
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200 || head.status == .switchingProtocols:
            responseOpen = true
        case .head, .body:
            break
        case .end:
            responseOpen = false
            timeouts.responseEnded(now: context.eventLoop.now)
            rearm(context: context)
            ended = true
        }
        context.write(data, promise: promise)
        if ended, let refusal = pendingRefusal, timeouts.inFlight == 0 {
            pendingRefusal = nil
            answer(context: context, status: refusal.status, reason: refusal.reason)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case ByteToMessageDecoderError.dataReceivedInErrorState = error { return }
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // Not passed on: the handlers behind would close the connection before the answer.
        guard !closing else { return }
        if lastRequestCloses, !timeouts.requestOpen {
            // Bytes after a request that closes the connection: nobody will read them.
            closing = true
            return
        }
        logger.notice("request refused", metadata: ["http.refusal": "\(parserError)"])
        if case .headerOverflow = parserError {
            refuse(context: context, status: .requestHeaderFieldsTooLarge, reason: "The request's headers are too large.")
        } else {
            refuse(context: context, status: .badRequest, reason: "The request is not valid HTTP/1.1.")
        }
    }

    /// Refuses the request being read: answered with `status` and `reason` once every earlier
    /// request has its response, then the connection closes. A request whose body was being
    /// read when the stream broke cannot be answered sensibly: the connection just closes.
    private func refuse(context: ChannelHandlerContext, status: HTTPResponseStatus, reason: String) {
        closing = true
        refused(Int(status.code))
        if timeouts.requestOpen {
            // The request being read is broken. It alone is in flight and unanswered: answer it
            // (closing the connection cuts off whatever was forwarded of it). Otherwise close.
            if timeouts.inFlight == 1, !responseOpen {
                answer(context: context, status: status, reason: reason)
            } else {
                context.close(promise: nil)
            }
        } else if timeouts.inFlight > 0 || responseOpen {
            pendingRefusal = (status, reason)
        } else {
            answer(context: context, status: status, reason: reason)
        }
    }

    /// Writes `status` with `reason` as text and closes once it is out.
    private func answer(context: ChannelHandlerContext, status: HTTPResponseStatus, reason: String) {
        let body = ByteBuffer(string: reason + "\n")
        let headers = HTTPHeaders([
            ("Connection", "close"), ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", String(body.readableBytes)),
            ("Cache-Control", "no-store"),
        ])
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    /// Schedules the timer for the current deadline, unless one fires earlier already.
    private func rearm(context: ChannelHandlerContext) {
        guard let deadline = timeouts.deadline else { return }
        if let timerDeadline, timer != nil, timerDeadline <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            timerDeadline = nil
            if timeouts.hasExpired(now: context.eventLoop.now) {
                logger.debug("connection timed out waiting for its client")
                closing = true
                context.close(promise: nil)
            } else {
                rearm(context: context)
            }
        }
    }
}
