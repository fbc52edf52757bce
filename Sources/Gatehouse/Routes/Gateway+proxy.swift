import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

extension Gateway {
    /// What ``authorize(_:live:logger:)`` concluded for a proxied request.
    enum Authorization {
        /// Forward, with these identity headers (`nil` on a public path).
        case allow(SessionIdentity?)
        /// Answer with this response instead (login redirect, 401, 403).
        case refuse(Response)
    }

    /// The session and access-rule checks every proxied request and WebSocket handshake
    /// passes: public paths go through without identity, an unauthenticated browser
    /// navigation is sent to login, any other unauthenticated request gets 401, and a
    /// signed-in user who fails an access rule gets the 403 page naming the requirement.
    func authorize(_ request: Request, live: GatewayRuntime, logger: Logger, reference: String = "") async -> Authorization {
        let current = await currentSession(request, logger: logger)
        let decision = live.policy.decide(
            AccessRequest(
                method: request.method.rawValue, target: request.uri.description,
                accept: Self.isWebSocketHandshake(request.headers) ? nil : request.headers[.accept],
                identity: current?.session.identity))
        switch decision {
        case .allowPublic:
            return .allow(nil)
        case .allow:
            return .allow(current?.session.identity)
        case .redirectToLogin(let returnPath):
            return .refuse(redirect(loginURL(returnPath: returnPath)))
        case .unauthenticated:
            return .refuse(
                json(.unauthorized, Unauthenticated(login: config.routePath("login")), headers: [.wwwAuthenticate: "SAML"]))
        case .forbidden(let prefix, let requirement):
            logger.notice(
                "access denied",
                metadata: [
                    "access.rule": "\(prefix)", "access.requirement": "\(requirement)",
                    "saml.nameid": "\(current?.session.identity.nameID ?? "")",
                ])
            let page = MessagePage.accessDenied(
                requirement: requirement, user: current?.session.identity.nameID ?? "unknown", reference: reference)
            return .refuse(html(.forbidden, pages.render(page)))
        }
    }

    /// Every path that is not the gateway's own: authenticate, authorise, forward.
    public func proxyRequest(_ request: Request, context: GatehouseRequestContext) async -> Response {
        let target = request.uri.description
        // One snapshot for the whole request, so a reload cannot mix old and new settings.
        let live = runtime.current
        let identity: SessionIdentity?
        switch await authorize(request, live: live, logger: context.logger, reference: context.id) {
        case .allow(let allowed): identity = allowed
        case .refuse(let response): return response
        }
        if Self.isWebSocketHandshake(request.headers) {
            // An allowed handshake arriving on a connection that already served HTTP: the
            // upgrade only happens on a connection's first request, so send the client to
            // the same address on a new connection (as Hummingbird's own upgrade channel does).
            return Response(status: .temporaryRedirect, headers: [.location: target, .connection: "close"])
        }
        guard let upstream = UpstreamTarget.choose(for: target, upstreams: live.config.upstreams) else {
            return notFound()
        }
        let headers = upstreamHeaders(request.head, identity: identity, peer: context.peerAddress, live: live)
        let started = ContinuousClock.now
        do {
            let response = try await live.proxy.forward(request, to: upstream, headers: headers, logger: context.logger)
            metrics.upstreamLatency(ContinuousClock.now - started)
            metrics.proxied(status: response.status.code)
            return response
        } catch {
            metrics.proxied(status: error.status)
            context.logger.error("upstream failed", metadata: ["upstream.error": "\(error)"])
            return html(.init(code: error.status), pages.render(.upstreamFailed(error, reference: context.id)))
        }
    }

    /// The page for a path no upstream serves.
    func notFound() -> Response {
        html(.notFound, pages.render(MessagePage(title: "Not found", heading: "Not found", message: "Nothing is served at this address.")))
    }

    /// The request's headers as the upstream must see them: identity impostors and
    /// hop-by-hop headers gone, our cookies removed, forwarding and identity headers set.
    /// `sessionKey` (the session's ID hash) lets the identity headers come from the runtime's
    /// cache instead of being computed again.
    func upstreamHeaders(
        _ request: HTTPRequest, identity: SessionIdentity?, peer: String?, live: GatewayRuntime, sessionKey: String? = nil
    ) -> HTTPFields {
        let config = live.config
        var fields = IdentityHeaders.sanitize(request.headerFields, reserved: live.reservedHeaderNames)
        fields = HopByHopHeaders.remove(from: fields)
        fields = withoutOwnCookies(fields, cookie: config.cookie)
        fields = live.forwarded.apply(to: fields, clientAddress: peer, host: request.authority, scheme: "http")
        if let identity {
            let make = { Self.identityFields(identity, settings: config.identityHeaders) }
            if let sessionKey {
                fields.append(contentsOf: live.identityFields.fields(for: sessionKey, make: make))
            } else {
                fields.append(contentsOf: make())
            }
        }
        return fields
    }

    static func identityFields(_ identity: SessionIdentity, settings: HeaderSettings) -> [HTTPField] {
        IdentityHeaders.headers(for: identity, settings: settings).compactMap { header in
            HTTPField.Name(header.name).map { HTTPField(name: $0, value: header.value) }
        }
    }

    /// Drops Gatehouse's cookies from `Cookie`, so the upstream never sees a session ID.
    private func withoutOwnCookies(_ fields: HTTPFields, cookie: CookieSettings) -> HTTPFields {
        guard fields.contains(where: { $0.name == .cookie }) else { return fields }
        var result = HTTPFields()
        for field in fields {
            guard field.name == .cookie else {
                result.append(field)
                continue
            }
            var kept: [Substring] = []
            for pair in field.value.split(separator: ";") {
                let trimmed = Self.trimmingBlanks(pair)
                // Read exactly as the session cookie is read (Gateway.cookiePair), and also
                // with trailing blanks dropped from the name: never forward what we might read.
                if let name = Self.cookiePair(pair)?.name,
                    name == cookie.name || name == cookie.pendingLoginName
                        || Self.trimmingBlanks(name) == cookie.name || Self.trimmingBlanks(name) == cookie.pendingLoginName
                {
                    continue
                }
                if !trimmed.isEmpty { kept.append(trimmed) }
            }
            if !kept.isEmpty {
                result.append(HTTPField(name: .cookie, value: kept.joined(separator: "; ")))
            }
        }
        return result
    }

    private static func trimmingBlanks(_ text: Substring) -> Substring {
        var slice = text
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}
