public import Hummingbird

/// The gateway's own endpoints, one collection per concern, added to the router by
/// ``GatehouseApplication/makeRouter(gateway:developmentIdP:)``. Every path not listed here
/// is the door's (``Gateway/decide(_:session:live:ownPrefixes:needsUpstream:)``).
extension Gateway {
    /// The SAML service provider: `login`, the assertion consumer and the SP metadata,
    /// under the route prefix. A ``LoginFailure`` they throw is rendered by
    /// ``LoginFailureMiddleware``.
    public func loginRoutes() -> RouteCollection<GatehouseRequestContext> {
        let routes = RouteCollection(context: GatehouseRequestContext.self)
        routes.add(middleware: LoginFailureMiddleware(gateway: self))
        routes.get("login") { request, context in try await login(request, context: context) }
        routes.post("acs") { request, context in try await assertionConsumer(request, context: context) }
        routes.get("metadata") { request, context in await metadata(request, context: context) }
        return routes
    }

    /// Signing out: the confirmation page, the same-origin POST that ends the session, and the
    /// SAML Single Logout endpoints (HTTP-Redirect and HTTP-POST at `slo`, SOAP at `slo/soap`),
    /// under the route prefix.
    public func logoutRoutes() -> RouteCollection<GatehouseRequestContext> {
        let routes = RouteCollection(context: GatehouseRequestContext.self)
        routes.get("logout") { request, context in await confirmLogout(request, context: context) }
        routes.post("logout") { request, context in await logout(request, context: context) }
        routes.get("slo") { request, context in await singleLogoutRedirect(request, context: context) }
        routes.post("slo") { request, context in await singleLogoutPost(request, context: context) }
        routes.post("slo/soap") { request, context in await singleLogoutSOAP(request, context: context) }
        return routes
    }

    /// What a proxy in front or the protected app asks about a session: forward-auth and
    /// `whoami`, under the route prefix.
    public func forwardAuthRoutes() -> RouteCollection<GatehouseRequestContext> {
        let routes = RouteCollection(context: GatehouseRequestContext.self)
        routes.get("auth") { request, context in await forwardAuth(request, context: context) }
        routes.head("auth") { request, context in await forwardAuth(request, context: context) }
        routes.get("whoami") { request, context in await whoami(request, context: context) }
        return routes
    }

    /// Operations: liveness, readiness and Prometheus metrics, at the root.
    public func opsRoutes() -> RouteCollection<GatehouseRequestContext> {
        let routes = RouteCollection(context: GatehouseRequestContext.self)
        routes.get("healthz") { _, _ in "ok\n" }
        routes.get("readyz") { request, context in await readiness(request, context: context) }
        routes.get("metrics") { request, context in await metricsPage(request, context: context) }
        return routes
    }
}
