import Hummingbird
import Logging

extension Gateway {
    /// The configuration snapshot of the request `context` belongs to (the current one for a
    /// context that did not pass ``GatewayMiddleware``).
    func live(_ context: GatehouseRequestContext) -> GatewayRuntime {
        context.live ?? runtime.current
    }

    /// The request's session: what ``GatewayMiddleware`` found in memory, or the store's
    /// answer when memory lacked it. Asked at most once per request, by the route that needs it.
    func session(of context: GatehouseRequestContext) async -> SessionLookup {
        guard case .unknown(let id) = context.session else { return context.session }
        return await lookUpSession(id, logger: context.logger)
    }
}
