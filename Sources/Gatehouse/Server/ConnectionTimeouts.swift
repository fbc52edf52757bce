import NIOCore

/// When a client connection has waited too long for its client: the header-read timeout
/// and the idle timeout as a state machine that takes the time and returns deadlines, so the
/// handler that owns it (``HTTPFrontHandler``) only schedules and closes.
///
/// - A request head must be complete within `headerRead` of its first bytes (of the
///   connection's opening, for the first request).
/// - A kept-alive connection with no request bytes for `idle` closes.
/// - While a request body is being received, the client must send something every `idle`.
/// - While a request waits for its response, no client timeout runs (the upstream's does).
struct ConnectionTimeouts {
    let headerRead: TimeAmount
    let idle: TimeAmount
    /// Requests whose head arrived and whose response has not ended.
    private(set) var inFlight = 0
    /// The newest request's body is still arriving.
    private(set) var requestOpen = false
    /// When the connection last had nothing to do (opened, or its last response ended).
    private var idleSince: NIODeadline
    /// When bytes of a request head not yet complete were first seen.
    private var headStarted: NIODeadline?
    /// When the open request's client last sent something.
    private var lastClientBytes: NIODeadline
    /// The connection has not served a request yet.
    private var first = true

    init(headerRead: TimeAmount, idle: TimeAmount, now: NIODeadline) {
        self.headerRead = headerRead
        self.idle = idle
        self.idleSince = now
        self.lastClientBytes = now
    }

    /// Bytes arrived (whether or not they completed a request part).
    mutating func bytesArrived(now: NIODeadline) {
        if requestOpen {
            lastClientBytes = now
        } else if inFlight == 0, headStarted == nil {
            headStarted = now
        }
    }

    /// A request head was parsed.
    mutating func headReceived(now: NIODeadline) {
        inFlight += 1
        requestOpen = true
        headStarted = nil
        lastClientBytes = now
        first = false
    }

    /// Request body bytes were parsed.
    mutating func bodyReceived(now: NIODeadline) {
        lastClientBytes = now
    }

    /// The request's last part was parsed.
    mutating func requestEnded() {
        requestOpen = false
    }

    /// A response's last part was written.
    mutating func responseEnded(now: NIODeadline) {
        inFlight = max(0, inFlight - 1)
        if inFlight == 0, !requestOpen {
            idleSince = now
            headStarted = nil
        }
    }

    /// When the connection must close unless something happens first; nil while a request
    /// waits for its response.
    var deadline: NIODeadline? {
        if requestOpen { return lastClientBytes + idle }
        if inFlight > 0 { return nil }
        if let headStarted { return headStarted + headerRead }
        return idleSince + (first ? headerRead : idle)
    }

    /// True when the deadline has passed at `now`.
    func hasExpired(now: NIODeadline) -> Bool {
        guard let deadline else { return false }
        return deadline <= now
    }
}
