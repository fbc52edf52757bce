import Foundation
public import Hummingbird
import HTTPTypes
import Logging

extension Gateway {
    /// `GET <prefix>/auth`: forward-auth for nginx `auth_request`, Traefik and Caddy.
    ///
    /// 200 with identity headers for a good session (and access rules met for the URI in
    /// `X-Forwarded-Uri` or `X-Original-URI`); 403 when a rule fails; without a session, a
    /// redirect to login when `?rd=` is given, else 401. The 401 carries the login URL that
    /// returns to that URI, percent-encoded, in `X-Gatehouse-Login`: nginx cannot encode a
    /// query itself, so its `error_page 401` location redirects there (README, "nginx").
    public func forwardAuth(_ request: Request, context: GatehouseRequestContext) async -> Response {
        let uri = request.headers[HTTPField.Name("X-Forwarded-Uri")!] ?? request.headers[HTTPField.Name("X-Original-URI")!] ?? "/"
        let unauthenticated: () -> Response = {
            if let rd = request.uri.queryParameters["rd"] {
                let returnPath = ReturnPath.validate(String(rd), externalURL: config.externalURL) ?? "/"
                return redirect(config.endpointURL("login") + "?rd=" + Self.queryEncode(returnPath))
            }
            let returnPath = ReturnPath.validate(uri, externalURL: config.externalURL) ?? "/"
            let login = config.endpointURL("login") + "?rd=" + Self.queryEncode(returnPath)
            return json(
                .unauthorized, Unauthenticated(login: config.routePath("login")),
                headers: [Self.loginURLHeader: login])
        }
        guard let session = await currentSession(request, logger: context.logger)?.session else { return unauthenticated() }
        let decision = policy.decide(AccessRequest(method: "GET", target: uri, accept: nil, identity: session.identity))
        if case .forbidden(_, let requirement) = decision {
            return json(.forbidden, ["error": "forbidden", "requirement": requirement])
        }
        var headers = HTTPFields()
        for header in IdentityHeaders.headers(for: session.identity, settings: config.identityHeaders) {
            guard let name = HTTPField.Name(header.name) else { continue }
            headers.append(HTTPField(name: name, value: header.value))
        }
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers)
    }
}
