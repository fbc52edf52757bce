public import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage, the peer's IP address, and what
/// ``GatewayMiddleware`` reads once for the whole request before any route runs.
public struct GatehouseRequestContext: RequestContext {
    /// Hummingbird's core context storage.
    public var coreContext: CoreRequestContextStorage
    /// The IP address of the TCP peer (a proxy, when there is one in front).
    public var peerAddress: String?
    /// The configuration snapshot the request runs with from start to end, so a reload in
    /// the middle of it never mixes two configurations. Set by ``GatewayMiddleware``.
    var live: GatewayRuntime?
    /// The session the request's cookie names, as far as memory knows it. Set by
    /// ``GatewayMiddleware``; ``Gateway/session(of:)`` asks the store when memory lacks it.
    var session: SessionLookup = .none

    /// A context for a request arriving on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }
}
