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
        if let developmentIdP {
            router.addRoutes(developmentIdP.routes(clock: gateway.clock), atPath: RouterPath(DevelopmentIdP.pathPrefix))
        }
        let prefix = RouterPath(gateway.config.routePrefix)
        router.addRoutes(gateway.loginRoutes(), atPath: prefix)
        router.addRoutes(gateway.logoutRoutes(), atPath: prefix)
        router.addRoutes(gateway.forwardAuthRoutes(), atPath: prefix)
        if gateway.config.scim.enabled { router.addRoutes(gateway.scimRoutes(), atPath: RouterPath(Gateway.scimPrefix)) }
        if gateway.config.listen.opsPort == nil { router.addRoutes(gateway.opsRoutes()) }
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
        var services = services
        if let opsPort = listen.opsPort {
            services.append(makeOpsListener(gateway: gateway, address: listen.opsAddress, port: opsPort, logger: logger))
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

    /// The listener of `listen.ops_port`: liveness, readiness and metrics, nothing else.
    static func makeOpsListener(gateway: Gateway, address: String, port: Int, logger: Logger) -> some Service {
        let router = Router(context: GatehouseRequestContext.self)
        router.addRoutes(gateway.opsRoutes())
        return Application(
            router: router,
            configuration: .init(address: .hostname(address, port: port), serverName: "Gatehouse"),
            onServerRunning: { channel in
                logger.info("ops listening", metadata: ["address": "\(address)", "port": "\(channel.localAddress?.port ?? port)"])
            },
            logger: logger
        )
    }
}
