public import Hummingbird

/// Sends every request outside the gateway's own paths to ``Gateway/proxyRequest(_:context:)``.
///
/// It runs before routing, so unmatched paths of any method reach the upstream.
public struct GatewayMiddleware: RouterMiddleware {
    /// The context type.
    public typealias Context = GatehouseRequestContext
    let gateway: Gateway
    /// More path prefixes served by Gatehouse itself (the development IdP's pages).
    let ownPrefixes: [String]

    /// A middleware for `gateway`; `ownPrefixes` are routed locally too, never proxied.
    public init(gateway: Gateway, ownPrefixes: [String] = []) {
        self.gateway = gateway
        self.ownPrefixes = ownPrefixes
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = PathMatcher.canonical(request.uri.path)
        guard !gateway.isGatewayPath(path), !ownPrefixes.contains(where: { PathMatcher.matches(path, prefix: $0) }) else {
            return try await next(request, context)
        }
        return await gateway.proxyRequest(request, context: context)
    }
}
