import Foundation
import NIOCore
import NIOPosix

/// Sends one hand-written HTTP/1.1 request on a new loopback connection and returns everything
/// the server wrote until it closed the connection. For requests that ordinary clients
/// refuse to send or handle specially, such as a WebSocket handshake.
enum RawHTTPClient {
    struct Answer {
        var status: Int
        var head: String
        var text: String
    }

    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var received = ByteBuffer()
        let done: EventLoopPromise<ByteBuffer>
        /// A reset after an answer arrived ends the exchange with that answer, not the error
        /// (a server that answers before reading the whole request, then closes).
        let keepAnswerOnReset: Bool

        init(done: EventLoopPromise<ByteBuffer>, keepAnswerOnReset: Bool = false) {
            self.done = done
            self.keepAnswerOnReset = keepAnswerOnReset
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            received.writeBuffer(&buffer)
        }

        func channelInactive(context: ChannelHandlerContext) { done.succeed(received) }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if keepAnswerOnReset, received.readableBytes > 0 {
                done.succeed(received)
            } else {
                done.fail(error)
            }
            context.close(promise: nil)
        }
    }

    static func send(port: Int, path: String, headers: [(String, String)]) async throws -> Answer {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let text = try await exchange(port: port, bytes: request)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return Answer(status: status, head: head, text: text)
    }

    /// Writes `bytes` (any number of requests) on a new connection and returns everything the
    /// server wrote until it closed the connection (or 10 s passed).
    /// With `earlyAnswer`, the server may answer and close before taking all of `bytes`: the
    /// write is not waited for and a reset after the answer keeps the answer.
    static func exchange(port: Int, bytes: String, earlyAnswer: Bool = false) async throws -> String {
        try await exchange(port: port, head: bytes, chunk: nil, count: 0, earlyAnswer: earlyAnswer)
    }

    /// Writes `head`, then `chunk` `count` times (one buffer shared by every write, so a large
    /// upload costs this process no memory), and returns what the server wrote until it closed.
    static func exchange(port: Int, head: String, chunk: ByteBuffer?, count: Int, earlyAnswer: Bool) async throws -> String {
        let group = MultiThreadedEventLoopGroup.singleton
        let done = group.next().makePromise(of: ByteBuffer.self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(done: done, keepAnswerOnReset: earlyAnswer))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        if earlyAnswer {
            channel.write(ByteBuffer(string: head), promise: nil)
            for _ in 0..<count { if let chunk { channel.write(chunk, promise: nil) } }
            channel.flush()
        } else {
            try await channel.writeAndFlush(ByteBuffer(string: head))
            for _ in 0..<count { if let chunk { try await channel.writeAndFlush(chunk) } }
        }
        let timeout = group.next().scheduleTask(in: .seconds(10)) { channel.close(promise: nil) }
        let received = try await done.futureResult.get()
        timeout.cancel()
        return String(buffer: received)
    }
}
