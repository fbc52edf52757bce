/// The upstreams of one configuration as the proxy connects to them, with their pool of
/// kept-alive connections (per event loop).
///
/// Neither body is collected: request parts go out as they arrive and response parts are
/// written back as the upstream sends them, with backpressure (see ``ProxyExchange``), so
/// memory stays flat for any body size. Redirects and compression pass through untouched.
public final class ReverseProxy: Sendable {
    /// The upstreams as the pool connects to them (nil: a URL that is not `http(s)://host…`).
    private let endpoints: [UpstreamEndpoint?]
    /// Kept-alive connections, per event loop and upstream.
    let pool = UpstreamConnectionPool()

    /// A proxy for `upstreams`.
    public init(upstreams: [UpstreamSettings]) {
        self.endpoints = upstreams.map(UpstreamEndpoint.init)
    }

    /// Closes every idle upstream connection. Call once, when the server has stopped.
    public func shutdown() async {
        pool.shutdown()
    }

    /// The endpoint of upstream number `index`, nil when its URL cannot be connected to.
    func endpoint(_ index: Int) -> UpstreamEndpoint? {
        endpoints.indices.contains(index) ? endpoints[index] : nil
    }
}
