public import Hummingbird

/// Lets only the gateway's own paths reach the router, and fills each request's context
/// once: the configuration snapshot and the session its cookie names.
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
        let live = gateway.runtime.current
        switch RequestTarget.parse(request.uri.description, settings: live.config.paths) {
        case .success(let target):
            guard
                Gateway.isGatewayPath(target.path, config: live.config)
                    || ownPrefixes.contains(where: { PathMatcher.matches(target.path, prefix: $0) })
            else {
                return gateway.refusal(.notFound, reference: context.id, live: live, logger: context.logger)
            }
            var context = context
            context.live = live
            context.session = gateway.sessionLookup(request.headers, live: live)
            return try await next(request, context)
        case .failure(let refusal):
            return gateway.refusal(.badRequest(refusal), reference: context.id, live: live, logger: context.logger)
        }
    }
}
