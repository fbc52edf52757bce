import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
// WebSocketHandler runs the WebSocket protocol on the upgraded upstream connection, as it
// does on the client's (see GatewayServerChannel).
@_spi(WSInternal) import WSCore

/// The relay's WebSocket connection to the upstream.
///
/// The handshake carries exactly the headers the relay gives it, plus the ones the
/// protocol needs (`Host`, `Upgrade`, `Connection`, `Sec-WebSocket-Key`,
/// `Sec-WebSocket-Version`). A general-purpose WebSocket client adds an `Origin` of its own
/// (its URL's scheme and host), and an upstream that checks `Origin` would then read two,
/// the gateway's first, instead of the browser's alone.
enum UpstreamWebSocketConnection {
    /// The upstream answered the handshake without upgrading.
    struct Declined: Error, CustomStringConvertible {
        var description: String { "the upstream answered the WebSocket handshake without upgrading" }
    }

    enum Negotiated: Sendable {
        case webSocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case declined
    }

    /// Connects to `endpoint`, asks it for `path` with `headers`, and runs `handler` on the
    /// upgraded connection until the WebSocket closes. Throws when the upstream cannot be
    /// reached or does not upgrade.
    static func run(
        endpoint: UpstreamEndpoint, path: String, headers: HTTPFields, logger: Logger,
        handler: @escaping WebSocketDataHandler<WebSocketRelay.Context>
    ) async throws {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: endpoint.authority)
        head.headers.add(contentsOf: HTTPHeaders(headers))
        let negotiated = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(endpoint.connectTimeout)
            // An upstream that closes straight after its 101 half-closes: read that as an
            // event (see UpgradeInputClosedHold), not as the end of the connection.
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture { try Self.configure(channel, endpoint: endpoint, head: head) }
            }
        switch try await negotiated.get() {
        case .webSocket(let frames):
            _ = try await WebSocketHandler.handle(
                type: .client,
                configuration: .init(
                    extensions: [], autoPing: .enabled(timePeriod: .seconds(30)), validateUTF8: false,
                    maxFrameSize: WebSocketRelay.maxFrameSize),
                asyncChannel: frames,
                context: WebSocketRelay.Context(logger: logger),
                handler: handler)
        case .declined:
            throw Declined()
        }
    }

    private static func configure(
        _ channel: any Channel, endpoint: UpstreamEndpoint, head: HTTPRequestHead
    ) throws -> EventLoopFuture<Negotiated> {
        let handlers = channel.pipeline.syncOperations
        if let tls = endpoint.tls {
            try handlers.addHandler(NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname))
        }
        let hold = UpgradeInputClosedHold(holding: true)
        try handlers.addHandler(hold)
        let boundHold = NIOLoopBound(hold, eventLoop: channel.eventLoop)
        let upgrader = NIOTypedWebSocketClientUpgrader<Negotiated>(
            maxFrameSize: WebSocketRelay.maxFrameSize,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    let frames = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel)
                    // The upgrade handler passes on the frames that came with the 101 once this
                    // returns; the half-close follows them.
                    channel.eventLoop.assumeIsolated().execute { boundHold.value.release() }
                    return .webSocket(frames)
                }
            })
        var configuration = NIOUpgradableHTTPClientPipelineConfiguration(
            upgradeConfiguration: NIOTypedHTTPClientUpgradeConfiguration(
                upgradeRequestHead: head, upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(.declined) }))
        // Frames the upstream sends right behind its 101 arrive with it: keep them.
        configuration.leftOverBytesStrategy = .forwardBytes
        return try handlers.configureUpgradableHTTPClientPipeline(configuration: configuration)
    }
}
