public import Hummingbird

/// The one place a ``LoginFailure`` thrown by a login handler becomes a response: the error
/// page with the request's reference, the failure metric and the log line.
public struct LoginFailureMiddleware: RouterMiddleware {
    /// The context type.
    public typealias Context = GatehouseRequestContext
    let gateway: Gateway

    /// A middleware rendering failures with `gateway`'s pages, metrics and configuration.
    public init(gateway: Gateway) {
        self.gateway = gateway
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let failure as LoginFailure {
            return await gateway.loginFailed(failure, context: context)
        }
    }
}
