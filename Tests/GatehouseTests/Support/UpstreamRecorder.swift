import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A loopback HTTP/1.1 upstream that parses what it receives as any server would (NIO's
/// parser, framing by Content-Length or chunked), records every request, and answers each
/// `200 ok`. A request smuggled inside another's body shows up as a request of its own.
final class UpstreamRecorder: Sendable {
    /// One request as the upstream read it.
    struct Received: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: String
        var trailers: [(String, String)]

        /// Values of the headers called `name` (ignoring case).
        func values(_ name: String) -> [String] {
            headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
        }
    }

    let channel: any Channel
    private let received: NIOLockedValueBox<[Received]>
    var port: Int { channel.localAddress?.port ?? 0 }
    /// Every request received so far, in order.
    var requests: [Received] { received.withLockedValue { $0 } }

    private init(channel: any Channel, received: NIOLockedValueBox<[Received]>) {
        self.channel = channel
        self.received = received
    }

    static func start() async throws -> UpstreamRecorder {
        let box = NIOLockedValueBox<[Received]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(record: { request in box.withLockedValue { $0.append(request) } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return UpstreamRecorder(channel: channel, received: box)
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let record: @Sendable (Received) -> Void
        var current: Received?

        init(record: @escaping @Sendable (Received) -> Void) {
            self.record = record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                current = Received(
                    method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: "",
                    trailers: [])
            case .body(let buffer):
                current?.body += String(buffer: buffer)
            case .end(let trailers):
                guard var request = current else { return }
                request.trailers = trailers.map { $0.map { ($0.name, $0.value) } } ?? []
                record(request)
                current = nil
                let headers = HTTPHeaders([("Content-Length", "2")])
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
