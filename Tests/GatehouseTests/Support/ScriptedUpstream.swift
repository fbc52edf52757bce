import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A loopback HTTP/1.1 upstream that answers each bodiless request as a script says, for the
/// cases a well-behaved server never produces: closing a kept-alive connection as a request
/// arrives, never answering, answering without a length.
final class ScriptedUpstream: Sendable {
    enum Action: Sendable {
        /// Write these bytes (a whole response), keep the connection.
        case respond(String)
        /// Write these bytes, then close.
        case respondAndClose(String)
        /// Close without answering.
        case close
        /// Say nothing, keep the connection open.
        case silence
    }

    /// Decides the answer to the `index`-th request (from 0) on its connection, given its head.
    typealias Script = @Sendable (_ index: Int, _ head: String) -> Action

    let channel: any Channel
    private let counters = NIOLockedValueBox((connections: 0, requests: 0))
    var port: Int { channel.localAddress?.port ?? 0 }
    var connections: Int { counters.withLockedValue { $0.connections } }
    var requests: Int { counters.withLockedValue { $0.requests } }

    private init(channel: any Channel) { self.channel = channel }

    static func start(_ script: @escaping Script) async throws -> ScriptedUpstream {
        let box = NIOLockedValueBox<ScriptedUpstream?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    box.withLockedValue { $0?.counters.withLockedValue { $0.connections += 1 } }
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(script: script, counted: { box.withLockedValue { $0?.counters.withLockedValue { $0.requests += 1 } } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let upstream = ScriptedUpstream(channel: channel)
        box.withLockedValue { $0 = upstream }
        return upstream
    }

    /// A listener that accepts connections and never reads from them: an upstream stuck in
    /// the middle of a request.
    static func startNotReading() async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let script: Script
        let counted: @Sendable () -> Void
        var received = ""
        var index = 0

        init(script: @escaping Script, counted: @escaping @Sendable () -> Void) {
            self.script = script
            self.counted = counted
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += String(buffer: unwrapInboundIn(data))
            while let end = received.range(of: "\r\n\r\n") {
                let head = String(received[..<end.lowerBound])
                received = String(received[end.upperBound...])
                counted()
                let action = script(index, head)
                index += 1
                switch action {
                case .respond(let text):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
                case .respondAndClose(let text):
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text))).whenComplete { _ in context.close(promise: nil) }
                    return
                case .close:
                    context.close(promise: nil)
                    return
                case .silence:
                    break
                }
            }
        }
    }
}
