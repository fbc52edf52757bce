import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

extension Gateway {
    /// `GET <prefix>/logout`: a page whose button posts to the logout URL. It does not end the
    /// session: a GET can be triggered by any site (a link, an image), so it changes nothing.
    public func confirmLogout(_ request: Request, context: GatehouseRequestContext) async -> Response {
        html(.ok, pages.render(.confirmLogout(logoutURL: live(context).config.routePath("logout"))), headers: Self.notFramed)
    }

    /// `POST <prefix>/logout`: ends the local session, if the request comes from a page of
    /// this site (see ``RequestOrigin``); any other is refused with 403 and the session kept.
    /// Once the session has ended, SP-initiated Single Logout starts when the SP has a key and
    /// the session's IdP a front-channel SingleLogoutService
    /// (``startSingleLogout(for:returnPath:context:)``); otherwise the browser goes to
    /// `logout.return_to`, or sees the signed-out page.
    public func logout(_ request: Request, context: GatehouseRequestContext) async -> Response {
        let config = live(context).config
        let origin = RequestOrigin(request.headers, externalURL: config.externalURL)
        guard origin == .sameOrigin else {
            let seen: String
            switch origin {
            case .crossOrigin(let header): seen = header
            case .unknown, .sameOrigin: seen = "neither Origin nor Referer"
            }
            context.logger.warning("logout refused", metadata: ["logout.check": "crossOriginLogout", "logout.origin": "\(seen)"])
            let page = pages.render(.logoutRefused(logoutURL: config.routePath("logout"), reference: context.id))
            return html(.forbidden, page, headers: Self.notFramed)
        }
        // Who the session belongs to is read first; the session then ends before anything is
        // sent anywhere.
        var identity: SessionIdentity?
        if case .live(_, let session) = await session(of: context) { identity = session.identity }
        if let id = request.cookies[config.cookie.name]?.value, SessionID.isWellFormed(id) {
            do {
                try await store.delete(id)
            } catch {
                context.logger.error("session store failed during logout", metadata: ["error": "\(error)"])
            }
        }
        let returnPath = config.logout.returnTo.flatMap { ReturnPath.validate($0, externalURL: config.externalURL) }
        if let identity, let answer = await startSingleLogout(for: identity, returnPath: returnPath, context: context) {
            return answer
        }
        context.logger.info("logout")
        let clear: HTTPFields = [.setCookie: cookies.clearSession()]
        if let returnPath { return redirect(returnPath, status: .seeOther, headers: clear) }
        return html(.ok, pages.render(.loggedOut(loginURL: config.routePath("login"))), headers: clear)
    }

    // The sign-out button must not be clickable through another site's invisible frame.
    private static let notFramed: HTTPFields = [
        .contentSecurityPolicy: "frame-ancestors 'none'", HTTPField.Name("X-Frame-Options")!: "DENY",
    ]

    /// `GET <prefix>/whoami`: the current identity as JSON, or 401.
    public func whoami(_ request: Request, context: GatehouseRequestContext) async -> Response {
        let live = live(context)
        let config = live.config
        let lookup = await session(of: context)
        guard case .live(_, let session) = lookup else {
            return json(.unauthorized, Unauthenticated(login: config.routePath("login")))
        }
        touchIfDue(lookup, live: live, logger: context.logger)
        let identity = session.identity
        let expiry = session.expiry(timeouts: config.session.timeouts)
        return json(
            .ok,
            WhoAmI(
                nameID: identity.nameID, nameIDFormat: identity.nameIDFormat, issuer: identity.issuer,
                attributes: identity.attributes, sessionExpiresAt: expiry.formatted(.iso8601)))
    }

    /// `GET <prefix>/metadata`: SP metadata for the IdPs.
    public func metadata(_ request: Request, context: GatehouseRequestContext) async -> Response {
        do {
            let xml = try await live(context).loginService.serviceProviderMetadata()
            return Response(
                status: .ok, headers: [.contentType: "application/samlmetadata+xml"],
                body: .init(byteBuffer: ByteBuffer(string: xml)))
        } catch {
            context.logger.error("SP metadata unavailable", metadata: ["error": "\(error)"])
            return html(.internalServerError, "SP metadata is unavailable; see the log, reference \(context.id).")
        }
    }

    /// `GET /readyz`: 200 when the session store answers and no metadata in use (a file of the
    /// metadata folder or a source's copy) is past its `validUntil`, else 503.
    public func readiness(_ request: Request, context: GatehouseRequestContext) async -> Response {
        metrics.registryMetadataInUse(await live(context).loginService.metadataValidity())
        let expired = metrics.expiredMetadataSources(at: clock.now)
        guard expired.isEmpty else {
            context.logger.error("not ready: IdP metadata expired", metadata: ["metadata.sources": "\(expired)"])
            let body = "IdP metadata expired: \(expired.joined(separator: ", "))\n"
            return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        do {
            _ = try await store.count()
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
        } catch {
            context.logger.error("not ready: session store failed", metadata: ["error": "\(error)"])
            return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "session store unavailable\n")))
        }
    }

    /// `GET /metrics`: Prometheus text.
    public func metricsPage(_ request: Request, context: GatehouseRequestContext) async -> Response {
        if let count = try? await store.count() { metrics.setActiveSessions(count) }
        metrics.registryMetadataInUse(await live(context).loginService.metadataValidity())
        if live(context).config.scim.enabled, let counts = try? await store.counts(tenant: nil) {
            metrics.setSCIMUsers(counts.users, active: counts.activeUsers)
        }
        metrics.updateMetadataValidity(at: clock.now)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
    }
}
