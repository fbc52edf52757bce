public import Hummingbird
import HummingbirdCore
public import Logging
public import ServiceLifecycle

/// Builds the Hummingbird application: SP routes, health, metrics and the proxy.
public enum GatehouseApplication {
    /// The router for `gateway`.
    public static func makeRouter(gateway: Gateway, developmentIdP: DevelopmentIdP? = nil) -> Router<GatehouseRequestContext> {
        let router = Router(context: GatehouseRequestContext.self)
        let ownPrefixes = developmentIdP == nil ? [] : [DevelopmentIdP.pathPrefix]
        router.add(middleware: GatewayMiddleware(gateway: gateway, ownPrefixes: ownPrefixes))
        developmentIdP?.addRoutes(to: router, clock: gateway.clock)
        let prefix = gateway.config.routePrefix
        let sp = router.group(RouterPath(prefix)).add(middleware: LoginFailureMiddleware(gateway: gateway))
        sp.get("login") { request, context in try await gateway.login(request, context: context) }
        sp.post("acs") { request, context in try await gateway.assertionConsumer(request, context: context) }
        sp.get("metadata") { request, context in await gateway.metadata(request, context: context) }
        sp.get("logout") { request, context in await gateway.confirmLogout(request, context: context) }
        sp.post("logout") { request, context in await gateway.logout(request, context: context) }
        sp.get("auth") { request, context in await gateway.forwardAuth(request, context: context) }
        sp.head("auth") { request, context in await gateway.forwardAuth(request, context: context) }
        sp.get("whoami") { request, context in await gateway.whoami(request, context: context) }
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { request, context in await gateway.readiness(request, context: context) }
        router.get("metrics") { request, context in await gateway.metricsPage(request, context: context) }
        return router
    }

    /// The application listening where the configuration says, running `services` alongside.
    public static func make(
        gateway: Gateway,
        logger: Logger,
        developmentIdP: DevelopmentIdP? = nil,
        services: [any Service] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let listen = gateway.config.listen
        let ownPrefixes = developmentIdP == nil ? [] : [DevelopmentIdP.pathPrefix]
        // WebSocket handshakes on proxied paths are authenticated and relayed upstream;
        // every other request (and every refused handshake) takes the normal HTTP route.
        let serverName = "Gatehouse"
        let proxyRouter = EventLoopProxyRouter(gateway: gateway, ownPrefixes: ownPrefixes, serverName: serverName)
        let metrics = gateway.metrics
        let front = GatewayServerChannel.FrontSettings(
            headerReadTimeout: .seconds(Int64(listen.headerReadTimeout.seconds)), idleTimeout: .seconds(Int64(listen.idleTimeout.seconds)),
            maxConnections: listen.maxConnections, refused: { metrics.refused(status: $0) })
        let server = GatewayServerChannel.builder(front: front, proxyRouter: proxyRouter) { head, peer, logger in
            await gateway.webSocketHandshake(head, peer: peer, ownPrefixes: ownPrefixes, logger: logger)
        }
        return Application(
            router: makeRouter(gateway: gateway, developmentIdP: developmentIdP),
            server: server,
            configuration: .init(address: .hostname(listen.address, port: listen.port), serverName: serverName),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? listen.port) },
            logger: logger
        )
    }
}
