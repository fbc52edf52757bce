import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Testing

@testable import Gatehouse

/// The exchange's decisions, with a virtual clock: retry, read timeout, trailers, framing
/// of the end, failure after the response began.
@Suite struct ProxyExchangeStateMachineTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func machine(close: Bool = false) -> ProxyExchangeStateMachine {
        ProxyExchangeStateMachine(upstreamURL: "http://u", readTimeout: .seconds(10), closeAfterResponse: close, now: start)
    }

    @Test func partsWaitForTheConnectionAndTrailersNeverGoUpstream() {
        var machine = Self.machine()
        #expect(machine.holdsClientReads(upstreamWritable: false))
        let result1 = machine.requestPart(.body(ByteBuffer(string: "a")), now: Self.start)
        #expect(result1 == .none)
        var trailers = HTTPFields()
        trailers[HTTPField.Name("X-Forwarded-User")!] = "evil"
        let result2 = machine.requestPart(.end(trailers), now: Self.start)
        #expect(result2 == .none)
        let attach = machine.connected(reused: false, now: Self.start + .seconds(1))
        #expect(attach?.pending == [.body(ByteBuffer(string: "a")), .end(nil)])
        #expect(attach?.timer == Self.start + .seconds(11))
        #expect(!machine.holdsClientReads(upstreamWritable: false))
    }

    @Test func completeRequestArmsTheReadTimeout() {
        var machine = Self.machine()
        _ = machine.connected(reused: false, now: Self.start)
        let result3 = machine.requestPart(.body(ByteBuffer(string: "a")), now: Self.start)
        #expect(result3 == .send(.body(ByteBuffer(string: "a")), flushAndArm: nil))
        let result4 = machine.requestPart(.end(nil), now: Self.start + .seconds(3))
        #expect(result4 == .send(.end(nil), flushAndArm: Self.start + .seconds(13)))
        let result5 = machine.timerFired(now: Self.start + .seconds(10), upstreamWritable: true)
        #expect(result5 == .rearm(Self.start + .seconds(13)))
        let result6 = machine.timerFired(now: Self.start + .seconds(13), upstreamWritable: true)
        #expect(result6 == .fail(.timeout(upstream: "http://u")))
    }

    @Test func timeSpentWaitingOnASlowClientDoesNotCount() {
        var machine = Self.machine()
        _ = machine.connected(reused: false, now: Self.start)
        _ = machine.requestPart(.end(nil), now: Self.start)
        _ = machine.responseHead(HTTPResponse(status: .ok), now: Self.start + .seconds(1))
        let result7 = machine.upstreamReadComplete(clientWritable: false)
        #expect(result7)
        // Paused for the client: the timer keeps moving on.
        let result8 = machine.timerFired(now: Self.start + .seconds(30), upstreamWritable: true)
        #expect(result8 == .rearm(Self.start + .seconds(40)))
        let result9 = machine.clientWritable(now: Self.start + .seconds(35))
        #expect(result9)
        let result10 = machine.timerFired(now: Self.start + .seconds(45), upstreamWritable: true)
        #expect(result10 == .fail(.timeout(upstream: "http://u")))
    }

    @Test func reusedConnectionClosedBeforeAnythingButTheHeadIsRetriedOnce() {
        var machine = Self.machine()
        _ = machine.connected(reused: true, now: Self.start)
        _ = machine.requestPart(.end(nil), now: Self.start)
        let result11 = machine.upstreamClosed(error: nil)
        #expect(result11 == .reconnect)
        let result12 = machine.connected(reused: false, now: Self.start)
        #expect(result12?.pending == [.end(nil)])
        let result13 = machine.upstreamClosed(error: nil)
        #expect(result13 == .fail(.unreachable(upstream: "http://u", reason: "the upstream closed the connection")))
    }

    @Test func requestWithABodyIsNeverSentTwice() {
        var machine = Self.machine()
        _ = machine.connected(reused: true, now: Self.start)
        _ = machine.requestPart(.body(ByteBuffer(string: "payload")), now: Self.start)
        guard case .fail = machine.upstreamClosed(error: nil) else {
            Issue.record("a request with a body was retried")
            return
        }
    }

    @Test func responseHeadLosesHopByHopHeadersAndHonoursClose() {
        var machine = Self.machine(close: true)
        _ = machine.connected(reused: false, now: Self.start)
        _ = machine.requestPart(.end(nil), now: Self.start)
        var fields = HTTPFields()
        fields[.connection] = "close, X-Hop"
        fields[HTTPField.Name("X-Hop")!] = "1"
        fields[.contentLength] = "2"
        guard case .write(let head) = machine.responseHead(HTTPResponse(status: .ok, headerFields: fields), now: Self.start) else {
            Issue.record("head not written")
            return
        }
        #expect(head.headerFields[HTTPField.Name("X-Hop")!] == nil)
        #expect(head.headerFields[.contentLength] == "2")
        #expect(head.headerFields[.connection] == "close")
        // The upstream said close: its connection is not reused; the client asked to close.
        let result14 = machine.responseEnd()
        #expect(result14 == .init(releaseUpstream: false, closeClient: true))
    }

    @Test func switchingProtocolsIsAFailure() {
        var machine = Self.machine()
        _ = machine.connected(reused: false, now: Self.start)
        guard case .fail = machine.responseHead(HTTPResponse(status: .switchingProtocols), now: Self.start) else {
            Issue.record("101 passed on")
            return
        }
        let result15 = machine.failed()
        #expect(result15 == .page(closeClient: true))
        let result16 = machine.failed()
        #expect(result16 == .none)
    }

    @Test func failureAfterTheResponseBeganClosesTheClient() {
        var machine = Self.machine()
        _ = machine.connected(reused: false, now: Self.start)
        _ = machine.requestPart(.end(nil), now: Self.start)
        _ = machine.responseHead(HTTPResponse(status: .ok), now: Self.start)
        let result17 = machine.failed()
        #expect(result17 == .closeClient)
    }

    @Test func earlyResponseToAnUnfinishedRequestClosesTheClient() {
        var machine = Self.machine()
        _ = machine.connected(reused: false, now: Self.start)
        _ = machine.requestPart(.body(ByteBuffer(string: "a")), now: Self.start)
        _ = machine.responseHead(HTTPResponse(status: .contentTooLarge), now: Self.start)
        let result18 = machine.responseEnd()
        #expect(result18 == .init(releaseUpstream: false, closeClient: true))
    }
}
