import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Gatehouse

/// The client timeouts, as a state machine and in the handler, on an embedded channel with
/// a virtual clock: no real sleeps.
@Suite struct HTTPFrontHandlerTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test func firstRequestHasTheHeaderReadTimeoutThenIdleApplies() {
        var timeouts = ConnectionTimeouts(headerRead: .seconds(10), idle: .seconds(60), now: Self.start)
        #expect(timeouts.deadline == Self.start + .seconds(10))
        timeouts.bytesArrived(now: Self.start + .seconds(2))
        #expect(timeouts.deadline == Self.start + .seconds(12))
        timeouts.headReceived(now: Self.start + .seconds(3))
        // Receiving the body: the client must keep sending.
        #expect(timeouts.deadline == Self.start + .seconds(63))
        timeouts.bodyReceived(now: Self.start + .seconds(30))
        #expect(timeouts.deadline == Self.start + .seconds(90))
        timeouts.requestEnded()
        // Waiting for the upstream: no client timeout.
        #expect(timeouts.deadline == nil)
        timeouts.responseEnded(now: Self.start + .seconds(200))
        #expect(timeouts.deadline == Self.start + .seconds(260))
        timeouts.bytesArrived(now: Self.start + .seconds(250))
        #expect(timeouts.deadline == Self.start + .seconds(260))
        #expect(timeouts.hasExpired(now: Self.start + .seconds(260)))
    }

    @Test func pipelinedRequestsKeepTheConnectionBusyUntilTheLastResponse() {
        var timeouts = ConnectionTimeouts(headerRead: .seconds(10), idle: .seconds(60), now: Self.start)
        timeouts.headReceived(now: Self.start)
        timeouts.requestEnded()
        timeouts.headReceived(now: Self.start)
        timeouts.requestEnded()
        timeouts.responseEnded(now: Self.start + .seconds(100))
        #expect(timeouts.deadline == nil)
        timeouts.responseEnded(now: Self.start + .seconds(200))
        #expect(timeouts.deadline == Self.start + .seconds(260))
    }

    static func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            HTTPFrontHandler(
                headerReadTimeout: .seconds(10), idleTimeout: .seconds(60), now: channel.embeddedEventLoop.now,
                logger: Logger(label: "test"), refused: { _ in }))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    @Test func silentConnectionClosesAfterTheHeaderReadTimeout() throws {
        let channel = try Self.channel()
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func requestWaitingForItsResponseIsNotTimedOut() throws {
        let channel = try Self.channel()
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: ["Host": "x"])
        try channel.writeInbound(HTTPServerRequestPart.head(head))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        channel.pipeline.fireChannelReadComplete()
        channel.embeddedEventLoop.advanceTime(by: .seconds(600))
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func refusedHeadIsAnsweredAndClosed() throws {
        let channel = try Self.channel()
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: HTTPHeaders([("Host", "a"), ("Host", "b")]))
        try channel.writeInbound(HTTPServerRequestPart.head(head))
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
        guard case .head(let response) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no response head")
            return
        }
        #expect(response.status == .badRequest)
        #expect(response.headers["connection"] == ["close"])
        channel.embeddedEventLoop.run()
        #expect(!channel.isActive)
    }

    @Test func parserErrorIsAnsweredWithItsStatus() throws {
        let channel = try Self.channel()
        channel.pipeline.fireErrorCaught(HTTPParserError.headerOverflow)
        guard case .head(let response) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no response head")
            return
        }
        #expect(response.status == .requestHeaderFieldsTooLarge)
    }
}
