import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A request runs with the configuration it started with: a reload while it is inside the
/// gateway changes the next request, never the rest of this one.
@Suite struct RequestSnapshotTests {
    /// Reloads the gateway with `next` after the context was filled, before the route runs.
    struct ReloadInTheMiddle: RouterMiddleware {
        typealias Context = GatehouseRequestContext
        let gateway: Gateway
        let next: GatehouseConfig

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            gateway.reload(config: self.next, loginService: FakeLoginService())
            return try await next(request, context)
        }
    }

    @Test func aReloadMidRequestLeavesThatRequestOnItsSnapshot() async throws {
        var open = GatehouseConfig(externalURL: "http://localhost", upstreams: [.init(url: "http://127.0.0.1:9")])
        open.publicPaths = ["/reports"]
        var closed = open
        closed.publicPaths = []
        let gateway = Gateway(config: open, store: MemorySessionStore(), loginService: FakeLoginService())
        let router = Router(context: GatehouseRequestContext.self)
        router.add(middleware: GatewayMiddleware(gateway: gateway))
        router.add(middleware: ReloadInTheMiddle(gateway: gateway, next: closed))
        router.addRoutes(gateway.forwardAuthRoutes(), atPath: "/saml")
        let app = Application(router: router, logger: Logger(label: "snapshot-test"))
        try await app.test(.router) { client in
            let headers: HTTPFields = [HTTPField.Name("X-Forwarded-Uri")!: "/reports/q3"]
            // Public when the request arrived; the reload in the middle does not change that.
            let first = try await client.execute(uri: "/saml/auth", method: .get, headers: headers)
            #expect(first.status == .ok)
            // The next request starts under the reloaded configuration.
            let second = try await client.execute(uri: "/saml/auth", method: .get, headers: headers)
            #expect(second.status == .unauthorized)
        }
        await gateway.shutdown()
    }
}
