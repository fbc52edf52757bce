public import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the peer's IP address.
public struct GatehouseRequestContext: RequestContext {
    /// Hummingbird's core context storage.
    public var coreContext: CoreRequestContextStorage
    /// The IP address of the TCP peer (a proxy, when there is one in front).
    public var peerAddress: String?

    /// A context for a request arriving on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }
}
