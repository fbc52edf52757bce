public import Hummingbird

/// Sends every request outside the gateway's own paths to ``Gateway/proxyRequest(_:context:)``.
///
/// It runs before routing, so unmatched paths of any method reach the upstream.
public struct GatewayMiddleware: RouterMiddleware {
    /// The context type.
    public typealias Context = GatehouseRequestContext
    let gateway: Gateway

    /// A middleware for `gateway`.
    public init(gateway: Gateway) { self.gateway = gateway }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard !gateway.isGatewayPath(PathMatcher.canonical(request.uri.path)) else {
            return try await next(request, context)
        }
        return await gateway.proxyRequest(request, context: context)
    }
}
