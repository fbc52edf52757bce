import Foundation
import HTTPTypes
public import Hummingbird
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
        let live = live(context)
        let config = live.config
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
        let door = DoorRequest(method: "GET", target: uri, accept: nil)
        let (decision, lookup) = await decideAwaitingStore(
            door, session: context.session, live: live, ownPrefixes: [], needsUpstream: false, logger: context.logger)
        switch decision {
        case .forward(let forward):
            touchIfDue(lookup, live: live, logger: context.logger)
            var headers = HTTPFields()
            if let identity = forward.identity {
                headers.append(contentsOf: Self.identityFields(identity, live: live))
            }
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers)
        case .refuse(.forbidden(_, let requirement, let user)):
            context.logger.notice("access denied", metadata: ["access.requirement": "\(requirement)", "saml.nameid": "\(user)"])
            metrics.refused(status: 403)
            return json(.forbidden, ["error": "forbidden", "requirement": requirement])
        case .refuse(.badRequest(let reason)):
            return refusal(.badRequest(reason), reference: context.id, live: live, logger: context.logger)
        case .refuse, .needsStore, .own:
            return unauthenticated()
        }
    }
}
