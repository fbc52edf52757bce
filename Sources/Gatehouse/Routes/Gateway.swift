import Foundation
public import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Everything a request handler needs, built once from the configuration.
///
/// Handlers (in the `Gateway+…` extensions) stay thin: they read the request, ask a pure
/// decision function or the ``LoginService``, and turn the answer into a response.
public struct Gateway: Sendable {
    /// The configuration new requests run with (it changes on ``reload(config:loginService:)``).
    public var config: GatehouseConfig { runtime.current.config }
    /// Sessions, pending logins and the replay cache (``SessionStorage``).
    public let store: any SessionStorage
    /// The SAML side of logins, as of the last reload.
    public var loginService: any LoginService { runtime.current.loginService }
    /// Prometheus metrics.
    public let metrics: GatehouseMetrics
    /// The time source.
    public let clock: any WallClock
    let runtime: GatewayRuntimeStore
    var policy: AccessPolicy { runtime.current.policy }
    var forwarded: ForwardedHeaders { runtime.current.forwarded }
    // Cookie names and attributes need a restart: changing them would orphan live sessions.
    let cookies: CookieFactory
    let pages = PageRenderer()

    /// A gateway; it owns upstream connection pools until ``shutdown()``.
    public init(
        config: GatehouseConfig,
        store: any SessionStorage,
        loginService: any LoginService,
        metrics: GatehouseMetrics = GatehouseMetrics(),
        clock: any WallClock = SystemWallClock()
    ) {
        self.store = store
        self.metrics = metrics
        self.clock = clock
        self.runtime = GatewayRuntimeStore(
            GatewayRuntime(config: config, loginService: loginService, proxy: ReverseProxy(upstreams: config.upstreams)))
        self.cookies = CookieFactory(settings: config.cookie, routePrefix: config.routePrefix)
    }

    /// Closes upstream connections; call after the server stopped.
    public func shutdown() async {
        for proxy in runtime.allProxies { await proxy.shutdown() }
    }

    /// Applies a reloaded configuration to new requests; requests in flight and sessions
    /// are untouched. Only the reloadable fields of `config` take effect (see
    /// ``GatehouseConfig/reloaded(from:)``); returns the names of those that need a restart.
    /// `loginService` must be built from `config`.
    @discardableResult
    public func reload(config new: GatehouseConfig, loginService: any LoginService) -> [String] {
        let current = runtime.current
        let (merged, needsRestart) = current.config.reloaded(from: new)
        let proxy = merged.upstreams == current.config.upstreams ? current.proxy : ReverseProxy(upstreams: merged.upstreams)
        runtime.replace(with: GatewayRuntime(config: merged, loginService: loginService, proxy: proxy))
        return needsRestart
    }

    /// True for paths the gateway answers itself under `config` rather than forwarding: the
    /// route prefix, the SCIM service (``scimPrefix``, on or off), and the ops paths unless
    /// they have a port of their own.
    static func isGatewayPath(_ path: String, config: GatehouseConfig) -> Bool {
        if PathMatcher.matches(path, prefix: config.routePrefix) || PathMatcher.matches(path, prefix: scimPrefix) { return true }
        return config.listen.opsPort == nil && opsPaths.contains(path)
    }

    /// The paths of ``opsRoutes()``.
    static let opsPaths: Set<String> = ["/healthz", "/readyz", "/metrics"]

    /// The value of the first cookie called `name` in the `Cookie` headers of `fields`, read as
    /// Hummingbird's `Cookies` reads it (pairs split at `;`, leading blanks dropped, the name
    /// ends at the first `=`), without building every cookie. Both proxy routes use it.
    public static func cookie(_ name: String, in fields: HTTPFields) -> String? {
        for value in fields[values: .cookie] {
            for pair in value.split(separator: ";") {
                guard let (pairName, cookieValue) = cookiePair(pair), pairName == name else { continue }
                return cookieValue.isEmpty ? nil : String(cookieValue)
            }
        }
        return nil
    }

    /// One `name=value` pair of a `Cookie` header as it is read: leading whitespace (any
    /// Unicode whitespace, as Hummingbird drops it) skipped, the name up to the first `=`.
    /// The filter that keeps session IDs from the upstream uses the same reading, so any
    /// pair read as a session cookie is also removed.
    static func cookiePair(_ pair: Substring) -> (name: Substring, value: Substring)? {
        let trimmed = pair.drop { $0.isWhitespace }
        guard let equals = trimmed.firstIndex(of: "=") else { return nil }
        return (trimmed[..<equals], trimmed[trimmed.index(after: equals)...])
    }

    /// The forward-auth 401's header naming the login URL that returns to the original URI.
    static let loginURLHeader = HTTPField.Name("X-Gatehouse-Login")!

    static func queryEncode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    func html(_ status: HTTPResponse.Status, _ body: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func json(_ status: HTTPResponse.Status, _ value: some Encodable, headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func redirect(_ location: String, status: HTTPResponse.Status = .found, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers)
    }
}
