import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import Gatehouse

/// The exchange on embedded channels: both connections in memory, time advanced by hand.
@Suite struct ProxyExchangeTests {
    /// Hands out embedded upstream connections on the test's loop.
    final class EmbeddedConnector: UpstreamConnector, @unchecked Sendable {
        let loop: EmbeddedEventLoop
        var channels: [EmbeddedChannel] = []
        var reuseFirst = false
        var released = 0

        init(loop: EmbeddedEventLoop) { self.loop = loop }

        func acquire(_ endpoint: UpstreamEndpoint, on loop: any EventLoop) -> EventLoopFuture<(UpstreamConnection, reused: Bool)> {
            connect(endpoint, on: loop).map { ($0, reused: self.reuseFirst) }
        }

        func connect(_ endpoint: UpstreamEndpoint, on loop: any EventLoop) -> EventLoopFuture<UpstreamConnection> {
            let channel = EmbeddedChannel(loop: self.loop)
            let handler = UpstreamConnectionHandler()
            do {
                try channel.pipeline.syncOperations.addHandler(handler)
                try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            } catch {
                return loop.makeFailedFuture(error)
            }
            channels.append(channel)
            return loop.makeSucceededFuture(UpstreamConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: self.loop)))
        }

        func release(_ connection: UpstreamConnection, endpoint: UpstreamEndpoint) {
            released += 1
        }
    }

    struct Setup {
        let loop: EmbeddedEventLoop
        let client: EmbeddedChannel
        let connector: EmbeddedConnector
        let exchange: ProxyExchange
    }

    static func setup(reuse: Bool = false) throws -> Setup {
        let loop = EmbeddedEventLoop()
        var config = GatehouseConfig(externalURL: "http://localhost", upstreams: [.init(url: "http://127.0.0.1:1")])
        config.session.store = .memory
        let gateway = Gateway(config: config, store: MemorySessionStore(), loginService: FakeLoginService())
        let router = EventLoopProxyRouter(gateway: gateway, ownPrefixes: [], serverName: "Gatehouse")
        let client = EmbeddedChannel(loop: loop)
        let logger = Logger(label: "test")
        try client.pipeline.syncOperations.addHandler(EventLoopProxyHandler(router: router, logger: logger))
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2)).wait()
        let handler = try client.pipeline.syncOperations.handler(type: EventLoopProxyHandler.self)
        let context = try client.pipeline.syncOperations.context(handlerType: EventLoopProxyHandler.self)
        var settings = UpstreamSettings(url: "http://127.0.0.1:1")
        settings.readTimeout = .init(seconds: 5)
        let endpoint = try #require(UpstreamEndpoint(settings))
        let head = HTTPRequest(method: .get, scheme: nil, authority: "127.0.0.1:1", path: "/x", headerFields: [:])
        let route = EventLoopRoute(head: head, endpoint: endpoint, proxy: ReverseProxy(upstreams: []), closeAfterResponse: false)
        let connector = EmbeddedConnector(loop: loop)
        connector.reuseFirst = reuse
        let exchange = ProxyExchange(route: route, owner: handler, context: context, router: router, logger: logger, connector: connector)
        return Setup(loop: loop, client: client, connector: connector, exchange: exchange)
    }

    @Test func requestAndResponseAreRelayedAndTheConnectionReleased() throws {
        let setup = try Self.setup()
        setup.exchange.start()
        setup.exchange.requestPart(.end(nil))
        let upstream = try #require(setup.connector.channels.first)
        guard case .head(let sent) = try upstream.readOutbound(as: HTTPRequestPart.self) else {
            Issue.record("no head upstream")
            return
        }
        #expect(sent.path == "/x")
        #expect(try upstream.readOutbound(as: HTTPRequestPart.self) == .end(nil))
        try upstream.writeInbound(HTTPResponsePart.head(HTTPResponse(status: .ok, headerFields: [.contentLength: "2"])))
        try upstream.writeInbound(HTTPResponsePart.body(ByteBuffer(string: "ok")))
        try upstream.writeInbound(HTTPResponsePart.end(nil))
        guard case .head(let answered) = try setup.client.readOutbound(as: HTTPResponsePart.self) else {
            Issue.record("no head to the client")
            return
        }
        #expect(answered.status == .ok)
        #expect(answered.headerFields[.server] == "Gatehouse")
        #expect(try setup.client.readOutbound(as: HTTPResponsePart.self) == .body(ByteBuffer(string: "ok")))
        #expect(try setup.client.readOutbound(as: HTTPResponsePart.self) == .end(nil))
        #expect(setup.connector.released == 1)
    }

    @Test func silentUpstreamGetsA504AfterTheReadTimeoutWithoutRealTime() throws {
        let setup = try Self.setup()
        setup.exchange.start()
        setup.exchange.requestPart(.end(nil))
        setup.loop.advanceTime(by: .seconds(4))
        #expect(try setup.client.readOutbound(as: HTTPResponsePart.self) == nil)
        setup.loop.advanceTime(by: .seconds(1))
        guard case .head(let answered) = try setup.client.readOutbound(as: HTTPResponsePart.self) else {
            Issue.record("no 504")
            return
        }
        #expect(answered.status == .gatewayTimeout)
        #expect(setup.connector.released == 0)
        #expect(!(setup.connector.channels.first?.isActive ?? true))
    }

    @Test func reusedConnectionClosedUnderTheRequestIsRetriedOnANewOne() throws {
        let setup = try Self.setup(reuse: true)
        setup.exchange.start()
        setup.exchange.requestPart(.end(nil))
        let first = try #require(setup.connector.channels.first)
        _ = try first.close().wait()
        setup.loop.run()
        #expect(setup.connector.channels.count == 2)
        let second = setup.connector.channels[1]
        guard case .head = try second.readOutbound(as: HTTPRequestPart.self) else {
            Issue.record("not sent again")
            return
        }
        #expect(try second.readOutbound(as: HTTPRequestPart.self) == .end(nil))
    }
}
