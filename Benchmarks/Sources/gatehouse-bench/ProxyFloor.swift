import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The least a reverse proxy on SwiftNIO can do: each client connection gets one kept-alive
/// upstream connection on its own event loop, and request and response parts are passed
/// through as they are (no header rewriting, no checks, no pool, no timeouts). Not a product:
/// the proxy part measures it beside nginx to show what the stack itself costs per request.
enum ProxyFloor {
    static func run(_ options: Options) async throws {
        let port = options.int("port", 0)
        let upstreamPort = try Int(options.required("upstream-port")) ?? 0
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ClientSide(upstreamPort: upstreamPort))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        FileHandle.standardOutput.write(Data("{\"port\": \(channel.localAddress?.port ?? 0)}\n".utf8))
        try await channel.closeFuture.get()
    }

    final class ClientSide: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let upstreamPort: Int
        var upstream: (any Channel)?
        var pending: [HTTPClientRequestPart] = []

        init(upstreamPort: Int) { self.upstreamPort = upstreamPort }

        func channelActive(context: ChannelHandlerContext) {
            let client = NIOLoopBound(context, eventLoop: context.eventLoop)
            ClientBootstrap(group: context.eventLoop)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(UpstreamSide(client: client))
                    }
                }
                .connect(host: "127.0.0.1", port: upstreamPort)
                .assumeIsolated().whenComplete { result in
                    switch result {
                    case .success(let channel):
                        self.upstream = channel
                        for part in self.pending { channel.write(part, promise: nil) }
                        self.pending.removeAll()
                        channel.flush()
                    case .failure:
                        context.close(promise: nil)
                    }
                }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let part: HTTPClientRequestPart
            switch unwrapInboundIn(data) {
            case .head(let head): part = .head(head)
            case .body(let body): part = .body(.byteBuffer(body))
            case .end(let trailers): part = .end(trailers)
            }
            if let upstream { upstream.write(part, promise: nil) } else { pending.append(part) }
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            upstream?.flush()
        }

        func channelInactive(context: ChannelHandlerContext) {
            upstream?.close(promise: nil)
        }
    }

    final class UpstreamSide: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        let client: NIOLoopBound<ChannelHandlerContext>

        init(client: NIOLoopBound<ChannelHandlerContext>) { self.client = client }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let part: HTTPServerResponsePart
            switch unwrapInboundIn(data) {
            case .head(let head): part = .head(head)
            case .body(let body): part = .body(.byteBuffer(body))
            case .end(let trailers): part = .end(trailers)
            }
            client.value.write(NIOAny(part), promise: nil)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            client.value.flush()
        }

        func channelInactive(context: ChannelHandlerContext) {
            client.value.close(promise: nil)
        }
    }
}
