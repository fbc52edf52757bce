import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// What one proxied request and its response go through, as a state machine that takes the
/// time and returns what to do: ``ProxyExchange`` only performs the actions on the two
/// connections. Tested without sockets or real time.
///
/// - The request head goes out when a connection is ready; request parts that arrive before
///   wait, and trailers never go upstream.
/// - A kept-alive connection closed by the upstream just as it was reused gets the request
///   once more on a new connection, when nothing but its head had gone out.
/// - The upstream must make progress every `readTimeout`: while the request body goes out,
///   take it; once the request is out, send something. Time spent waiting on the client
///   (its next body bytes, or its reading of the response) does not count.
struct ProxyExchangeStateMachine {
    /// What to do after ``connected(reused:now:)``.
    struct Attach {
        /// The request parts that arrived meanwhile, to send after the head.
        var pending: [HTTPRequestPart]
        /// When to check the read timeout.
        var timer: NIODeadline
    }

    /// What to do with a part of the client's request.
    enum RequestAction: Equatable {
        /// Nothing yet: it waits for the connection (or the exchange is over).
        case none
        /// Send it upstream; flush and arm the timer (at the deadline) when the request is complete.
        case send(HTTPRequestPart, flushAndArm: NIODeadline?)
    }

    /// What to do with a response head from the upstream.
    enum HeadAction: Equatable {
        /// Pass an informational response (100 Continue) to the client.
        case writeInformational(HTTPResponse)
        /// Pass the final response head (hop-by-hop headers removed) to the client.
        case write(HTTPResponse)
        /// The upstream cannot be followed (it switched protocols).
        case fail(ProxyFailure)
    }

    /// How the exchange ends once the response is complete.
    struct Finish: Equatable {
        /// The upstream connection may serve another request.
        var releaseUpstream: Bool
        /// The client connection must close after the response.
        var closeClient: Bool
    }

    /// What to do when the upstream connection closed.
    enum ClosedAction: Equatable {
        /// Connect again and send the head and these parts.
        case reconnect
        /// Give up with this failure.
        case fail(ProxyFailure)
        /// Nothing: the exchange was over.
        case none
    }

    /// What to do when the read-timeout timer fires.
    enum TimerAction: Equatable {
        case none
        case rearm(NIODeadline)
        case fail(ProxyFailure)
    }

    /// What to do when the exchange fails.
    enum FailAction: Equatable {
        /// Nothing had been written: the client gets the error page; close after it when set.
        case page(closeClient: Bool)
        /// The response had begun: closing the client connection is the only honest signal left.
        case closeClient
        /// The exchange was over already.
        case none
    }

    let upstreamURL: String
    let readTimeout: TimeAmount
    let closeAfterResponse: Bool

    private(set) var isConnected = false
    private var reused = false
    private var retried = false
    private var pending: [HTTPRequestPart] = []
    private var sawRequestBody = false
    private(set) var requestComplete = false
    private var sawResponse = false
    private(set) var responseStarted = false
    private var upstreamKeepAlive = true
    /// Upstream reads stopped because the client is not taking bytes.
    private(set) var readPaused = false
    private var lastUpstreamActivity: NIODeadline
    private(set) var finished = false
    /// The response status, once its head arrived.
    private(set) var status = 0

    init(upstreamURL: String, readTimeout: TimeAmount, closeAfterResponse: Bool, now: NIODeadline) {
        self.upstreamURL = upstreamURL
        self.readTimeout = readTimeout
        self.closeAfterResponse = closeAfterResponse
        self.lastUpstreamActivity = now
    }

    /// True while more of the request body could not be sent on: no connection yet, or the
    /// upstream not writable. (Bytes after the request are queued by the handler.)
    func holdsClientReads(upstreamWritable: Bool) -> Bool {
        guard !finished, !requestComplete else { return false }
        return !isConnected || !upstreamWritable
    }

    /// A connection is ready; nil when the exchange is already over (close the connection).
    mutating func connected(reused: Bool, now: NIODeadline) -> Attach? {
        guard !finished else { return nil }
        isConnected = true
        self.reused = reused
        let parts = pending
        pending.removeAll()
        lastUpstreamActivity = now
        return Attach(pending: parts, timer: now + readTimeout)
    }

    /// A part of the client's request (never the head: the exchange has it already).
    mutating func requestPart(_ part: HTTPRequestPart, now: NIODeadline) -> RequestAction {
        guard !finished else { return .none }
        switch part {
        case .head: return .none
        case .body: sawRequestBody = true
        case .end: requestComplete = true
        }
        // Trailers are headers too, and nothing strips them: they never go upstream.
        let forwarded: HTTPRequestPart = requestComplete ? .end(nil) : part
        guard isConnected else {
            pending.append(forwarded)
            return .none
        }
        guard requestComplete else { return .send(forwarded, flushAndArm: nil) }
        // From here on the wait is for the response.
        lastUpstreamActivity = now
        return .send(forwarded, flushAndArm: now + readTimeout)
    }

    /// A response head from the upstream.
    mutating func responseHead(_ response: HTTPResponse, now: NIODeadline) -> HeadAction {
        lastUpstreamActivity = now
        sawResponse = true
        var response = response
        if response.status.kind == .informational {
            // 100 Continue and friends go to the client; 101 cannot happen (Upgrade is never
            // forwarded) and would leave the connection in an unknown protocol.
            guard response.status.code != 101 else {
                return .fail(.unreachable(upstream: upstreamURL, reason: "the upstream switched protocols"))
            }
            return .writeInformational(response)
        }
        let (fields, close) = HopByHopHeaders.strip(response.headerFields)
        upstreamKeepAlive = !close
        response.headerFields = fields
        if closeAfterResponse { response.headerFields[.connection] = "close" }
        status = response.status.code
        responseStarted = true
        return .write(response)
    }

    /// Response body bytes arrived.
    mutating func responseBody(now: NIODeadline) {
        lastUpstreamActivity = now
    }

    /// The response is complete.
    mutating func responseEnd() -> Finish {
        finished = true
        readPaused = false
        return Finish(releaseUpstream: requestComplete && upstreamKeepAlive, closeClient: closeAfterResponse || !requestComplete)
    }

    /// The upstream's read batch ended; returns true when its reading must pause because
    /// the client is not taking bytes.
    mutating func upstreamReadComplete(clientWritable: Bool) -> Bool {
        guard !finished, !readPaused, !clientWritable else { return false }
        readPaused = true
        return true
    }

    /// The client can take bytes again; returns true when upstream reading must resume.
    mutating func clientWritable(now: NIODeadline) -> Bool {
        guard readPaused, !finished else { return false }
        readPaused = false
        lastUpstreamActivity = now
        return true
    }

    /// The upstream connection can take bytes again.
    mutating func upstreamWritable(now: NIODeadline) {
        lastUpstreamActivity = now
    }

    /// The upstream connection closed (`error` nil for a plain close).
    mutating func upstreamClosed(error: (any Error)?) -> ClosedAction {
        guard !finished else { return .none }
        isConnected = false
        // A kept-alive connection the upstream closed just as we reused it: send the request
        // again on a new one, when nothing but its head had gone out.
        if !sawResponse, reused, !retried, !sawRequestBody {
            retried = true
            if requestComplete { pending = [.end(nil)] }
            return .reconnect
        }
        let reason = error.map { "\($0)" } ?? "the upstream closed the connection"
        return .fail(.unreachable(upstream: upstreamURL, reason: reason))
    }

    /// The read-timeout timer fired at `now`.
    mutating func timerFired(now: NIODeadline, upstreamWritable: Bool) -> TimerAction {
        guard !finished, isConnected else { return .none }
        if readPaused { lastUpstreamActivity = now }
        if !requestComplete, upstreamWritable { lastUpstreamActivity = now }
        let deadline = lastUpstreamActivity + readTimeout
        if deadline > now { return .rearm(deadline) }
        return .fail(.timeout(upstream: upstreamURL))
    }

    /// The exchange failed with `failure`.
    mutating func failed() -> FailAction {
        guard !finished else { return .none }
        finished = true
        readPaused = false
        if responseStarted { return .closeClient }
        return .page(closeClient: closeAfterResponse || !requestComplete)
    }

    /// The client connection went away; returns true when the upstream connection must close.
    mutating func clientClosed() -> Bool {
        guard !finished else { return false }
        finished = true
        return true
    }
}
