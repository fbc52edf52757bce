public import Hummingbird

/// Lets only the gateway's own paths reach the router.
///
/// Every other request is decided and forwarded by ``EventLoopProxyHandler`` before it gets
/// here; one that arrives anyway (a connection without that handler) is refused, never
/// forwarded by a second path.
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
        // A target the door refuses goes to the proxy route, which answers the refusal.
        if case .success(let target) = RequestTarget.parse(request.uri.description, settings: gateway.config.paths),
            gateway.isGatewayPath(target.path) || ownPrefixes.contains(where: { PathMatcher.matches(target.path, prefix: $0) })
        {
            return try await next(request, context)
        }
        let live = gateway.runtime.current
        let target = request.uri.description
        if case .failure(let refusal) = RequestTarget.parse(target, settings: live.config.paths) {
            return gateway.refusal(.badRequest(refusal), reference: context.id, live: live, logger: context.logger)
        }
        return gateway.refusal(.notFound, reference: context.id, live: live, logger: context.logger)
    }
}
