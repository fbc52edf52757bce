import Foundation
public import Hummingbird
import HTTPTypes
import Logging
import NIOCore

extension Gateway {
    /// Every path that is not the gateway's own: authenticate, authorise, forward.
    public func proxyRequest(_ request: Request, context: GatehouseRequestContext) async -> Response {
        let target = request.uri.description
        let current = await currentSession(request, logger: context.logger)
        let decision = policy.decide(
            AccessRequest(
                method: request.method.rawValue, target: target, accept: request.headers[.accept],
                identity: current?.session.identity))
        let identity: SessionIdentity?
        switch decision {
        case .allowPublic:
            identity = nil
        case .allow:
            identity = current?.session.identity
        case .redirectToLogin(let returnPath):
            return redirect(loginURL(returnPath: returnPath))
        case .unauthenticated:
            return json(.unauthorized, Unauthenticated(login: config.routePath("login")), headers: [.wwwAuthenticate: "SAML"])
        case .forbidden(let prefix, let requirement):
            context.logger.notice("access denied", metadata: [
                "access.rule": "\(prefix)", "access.requirement": "\(requirement)",
                "saml.nameid": "\(current?.session.identity.nameID ?? "")",
            ])
            let page = MessagePage.accessDenied(
                requirement: requirement, user: current?.session.identity.nameID ?? "unknown", reference: context.id)
            return html(.forbidden, pages.render(page))
        }
        guard let upstream = UpstreamTarget.choose(for: target, upstreams: config.upstreams) else {
            return html(.notFound, pages.render(MessagePage(title: "Not found", heading: "Not found", message: "Nothing is served at this address.")))
        }
        let headers = upstreamHeaders(request, identity: identity, peer: context.peerAddress)
        let started = ContinuousClock.now
        do {
            let response = try await proxy.forward(request, to: upstream, headers: headers, logger: context.logger)
            metrics.upstreamLatency(ContinuousClock.now - started)
            metrics.proxied(status: response.status.code)
            return response
        } catch {
            metrics.proxied(status: error.status)
            context.logger.error("upstream failed", metadata: ["upstream.error": "\(error)"])
            return html(.init(code: error.status), pages.render(.upstreamFailed(error, reference: context.id)))
        }
    }

    /// The request's headers as the upstream must see them: identity impostors and
    /// hop-by-hop headers gone, our cookies removed, forwarding and identity headers set.
    func upstreamHeaders(_ request: Request, identity: SessionIdentity?, peer: String?) -> HTTPFields {
        var fields = IdentityHeaders.sanitize(request.headers, settings: config.identityHeaders)
        fields = HopByHopHeaders.remove(from: fields)
        fields = withoutOwnCookies(fields)
        fields = forwarded.apply(to: fields, clientAddress: peer, host: request.head.authority, scheme: "http")
        if let identity {
            for header in IdentityHeaders.headers(for: identity, settings: config.identityHeaders) {
                guard let name = HTTPField.Name(header.name) else { continue }
                fields.append(HTTPField(name: name, value: header.value))
            }
        }
        return fields
    }

    /// Drops Gatehouse's cookies from `Cookie`, so the upstream never sees a session ID.
    private func withoutOwnCookies(_ fields: HTTPFields) -> HTTPFields {
        let own: Set<String> = [config.cookie.name, config.cookie.pendingLoginName]
        var result = HTTPFields()
        for field in fields {
            guard field.name == .cookie else {
                result.append(field)
                continue
            }
            let kept = field.value.split(separator: ";").filter { pair in
                let name = pair.split(separator: "=", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                return !own.contains(name)
            }
            if !kept.isEmpty {
                result.append(HTTPField(name: .cookie, value: kept.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")))
            }
        }
        return result
    }
}
