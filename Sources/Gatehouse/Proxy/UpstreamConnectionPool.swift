import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOPosix
import NIOSSL

/// What an upstream connection reports to the exchange using it. Called on the event loop.
protocol UpstreamConnectionDelegate: AnyObject {
    func upstreamRead(_ part: HTTPResponsePart)
    func upstreamReadComplete()
    func upstreamWritabilityChanged()
    /// The connection closed or failed; `error` is nil for a plain close.
    func upstreamClosed(error: (any Error)?)
}

/// The last handler of an upstream connection: hands response parts to the exchange that
/// holds the connection. Between exchanges it has no delegate, and any byte the upstream
/// sends then is a protocol error that closes the connection.
final class UpstreamConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPRequestPart

    weak var delegate: (any UpstreamConnectionDelegate)?
    private var closed = false
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Writes a request part (flushed by ``flush()``).
    func send(_ part: HTTPRequestPart) {
        context?.write(wrapOutboundOut(part), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    /// Stops or resumes reading from the upstream (backpressure from a slow client).
    func setReading(_ on: Bool) {
        try? context?.channel.syncOptions?.setOption(.autoRead, value: on)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let delegate else {
            context.close(promise: nil)
            return
        }
        delegate.upstreamRead(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        delegate?.upstreamReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        delegate?.upstreamWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        report(nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        report(error)
        context.close(promise: nil)
    }

    private func report(_ error: (any Error)?) {
        guard !closed else { return }
        closed = true
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamClosed(error: error)
    }
}

/// One HTTP/1.1 connection to an upstream, bound to the event loop it was opened on.
struct UpstreamConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<UpstreamConnectionHandler>
}

/// Where an exchange gets its upstream connections: the pool, or a test's.
protocol UpstreamConnector: Sendable {
    /// An idle connection to `endpoint` on `loop` (reused: true), or a new one.
    func acquire(_ endpoint: UpstreamEndpoint, on loop: any EventLoop) -> EventLoopFuture<(UpstreamConnection, reused: Bool)>
    /// A new connection to `endpoint`, not taken from the idle list.
    func connect(_ endpoint: UpstreamEndpoint, on loop: any EventLoop) -> EventLoopFuture<UpstreamConnection>
    /// Takes back a connection whose exchange ended cleanly.
    func release(_ connection: UpstreamConnection, endpoint: UpstreamEndpoint)
}

/// Idle keep-alive connections to the plain-HTTP upstreams, kept per event loop so that a
/// proxied request never leaves the event loop its client connection lives on.
///
/// An exchange turns a connection's reading off while its client is not taking bytes, which
/// is what keeps memory flat for any response size.
final class UpstreamConnectionPool: UpstreamConnector {
    /// Connections are shared only by the same endpoint (address, TLS settings) on one loop.
    private struct Key: Hashable {
        let loop: ObjectIdentifier
        let endpoint: Int
    }

    /// Idle connections kept per event loop and upstream; more are closed when released.
    let maxIdlePerKey: Int
    private let idle = NIOLockedValueBox<[Key: [UpstreamConnection]]>([:])
    private let isShutDown = NIOLockedValueBox(false)

    init(maxIdlePerKey: Int = 128) {
        self.maxIdlePerKey = maxIdlePerKey
    }

    /// An idle connection to `endpoint` on `loop` (reused: true), or a new one.
    func acquire(_ endpoint: UpstreamEndpoint, on loop: any EventLoop) -> EventLoopFuture<(UpstreamConnection, reused: Bool)> {
        let key = Key(loop: ObjectIdentifier(loop), endpoint: endpoint.poolKey)
        while let connection = idle.withLockedValue({ $0[key]?.popLast() }) {
            if connection.channel.isActive { return loop.makeSucceededFuture((connection, reused: true)) }
        }
        return connect(endpoint, on: loop).map { ($0, reused: false) }
    }

    /// A new connection to `endpoint`, not taken from the idle list.
    func connect(_ endpoint: UpstreamEndpoint, on loop: any EventLoop) -> EventLoopFuture<UpstreamConnection> {
        ClientBootstrap(group: loop)
            .connectTimeout(endpoint.connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls = endpoint.tls {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(HTTP1ToHTTPClientCodec())
                    try pipeline.addHandler(UpstreamConnectionHandler())
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .flatMapThrowing { [idle] channel in
                let handler = try channel.pipeline.syncOperations.handler(type: UpstreamConnectionHandler.self)
                let key = Key(loop: ObjectIdentifier(channel.eventLoop), endpoint: endpoint.poolKey)
                channel.closeFuture.whenComplete { _ in
                    idle.withLockedValue { idle in idle[key]?.removeAll { $0.channel === channel } }
                }
                return UpstreamConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
            }
    }

    /// Returns a connection whose last exchange ended cleanly (response complete, request
    /// fully sent, no `Connection: close`). It keeps reading while idle, so an upstream that
    /// closes it is noticed and it leaves the list.
    func release(_ connection: UpstreamConnection, endpoint: UpstreamEndpoint) {
        let channel = connection.channel
        connection.handler.value.delegate = nil
        guard channel.isActive, !isShutDown.withLockedValue({ $0 }) else {
            channel.close(promise: nil)
            return
        }
        let key = Key(loop: ObjectIdentifier(channel.eventLoop), endpoint: endpoint.poolKey)
        let kept = idle.withLockedValue { idle -> Bool in
            var list = idle[key] ?? []
            guard list.count < maxIdlePerKey else { return false }
            list.append(connection)
            idle[key] = list
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    /// Closes every idle connection; connections in use close when their exchange ends.
    func shutdown() {
        isShutDown.withLockedValue { $0 = true }
        let all = idle.withLockedValue { idle in
            defer { idle.removeAll() }
            return idle.values.flatMap { $0 }
        }
        for connection in all { connection.channel.close(promise: nil) }
    }
}
