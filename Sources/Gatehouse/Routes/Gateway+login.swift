import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import SAML

extension Gateway {
    /// `GET <prefix>/login?idp=&rd=&login_hint=&q=`: starts a login, or shows the IdP chooser.
    /// Throws a ``LoginFailure`` for ``LoginFailureMiddleware`` to render.
    public func login(_ request: Request, context: GatehouseRequestContext) async throws(LoginFailure) -> Response {
        let live = live(context)
        let query = request.uri.queryParameters
        let returnPath = query["rd"].flatMap { ReturnPath.validate(String($0), externalURL: live.config.externalURL) } ?? "/"
        let idps = IdentityProviderSettings.apply(live.config.identityProviders, to: await live.loginService.identityProviders())
        // A rule for the return path may require an authentication context: every login
        // for it asks for one, and a step-up (`step_up=1`, from the door) goes back to the IdP
        // the session came from and makes it authenticate afresh.
        let required = Self.requiredAuthnContext(returnPath, live: live)
        let stepUp = query["step_up"] == "1" && !required.isEmpty
        let chosen: IdentityProviderSummary?
        if stepUp, query["idp"] == nil, let issuer = await sessionIssuer(context: context),
            let current = idps.first(where: { $0.entityID == issuer })
        {
            chosen = current
        } else if let requested = query["idp"].map(String.init) {
            // An IdP not in the list may still be one an MDQ source fetches on demand.
            if let listed = idps.first(where: { $0.entityID == requested }) {
                chosen = listed
            } else if let fetched = try await live.loginService.identityProvider(requested) {
                chosen = IdentityProviderSettings.apply(live.config.identityProviders, to: [fetched]).first
            } else {
                throw LoginFailure(.unknownIdP, detail: "no IdP with entity ID \(requested)")
            }
        } else if idps.count == 1 {
            chosen = idps[0]
        } else {
            let hint = (query["login_hint"] ?? query["q"]).map(String.init) ?? ""
            chosen = Self.idp(forEmail: hint, in: idps)
        }
        guard let idp = chosen else {
            return chooser(idps, query: query["q"].map(String.init) ?? "", returnPath: returnPath, config: live.config)
        }
        return try await startLogin(
            at: idp, returnPath: returnPath, authnContext: required, forceAuthn: stepUp, request: request, live: live,
            context: context)
    }

    /// The authentication contexts the access rules require for `returnPath`; empty when
    /// none (or when the path is public).
    static func requiredAuthnContext(_ returnPath: String, live: GatewayRuntime) -> [String] {
        guard case .success(let target) = RequestTarget.parse(returnPath, settings: live.config.paths),
            !live.policy.isPublic(target.path)
        else { return [] }
        return live.policy.requiredAuthnContext(for: target.path)
    }

    /// The IdP that signed in the request's session, if it has one.
    private func sessionIssuer(context: GatehouseRequestContext) async -> String? {
        switch context.session {
        case .live(_, let session): return session.identity.issuer
        case .unknown(let id):
            guard case .live(_, let session) = await lookUpSession(id, logger: context.logger) else { return nil }
            return session.identity.issuer
        case .none: return nil
        }
    }

    private func startLogin(
        at idp: IdentityProviderSummary,
        returnPath: String,
        authnContext: [String],
        forceAuthn: Bool,
        request: Request,
        live: GatewayRuntime,
        context: GatehouseRequestContext
    ) async throws(LoginFailure) -> Response {
        let config = live.config
        let relayState = SessionID.generate()
        // Reuse the browser's binding cookie so logins in two tabs do not void each other.
        let existing = request.cookies[config.cookie.pendingLoginName]?.value
        let binding = existing.flatMap { SessionID.isWellFormed($0) ? $0 : nil } ?? SessionID.generate()
        let start: LoginStart
        do {
            if authnContext.isEmpty && !forceAuthn {
                start = try await live.loginService.startLogin(idp: idp.entityID, relayState: relayState)
            } else {
                start = try await live.loginService.startLogin(
                    idp: idp.entityID, relayState: relayState, authnContext: authnContext, forceAuthn: forceAuthn)
            }
        } catch {
            var failure = error
            failure.startedAt = idp.entityID
            throw failure
        }
        let timeout = config.session.pendingLoginTimeout
        do {
            try await store.savePendingLogin(
                PendingLogin(
                    relayState: relayState, requestID: start.requestID, idpEntityID: idp.entityID,
                    returnPath: returnPath, browserBindingHash: SessionID.hash(binding),
                    expiresAt: clock.now.addingTimeInterval(timeout.timeInterval)))
        } catch {
            throw LoginFailure(.storeUnavailable, detail: "\(error)", idp: idp.entityID, startedAt: idp.entityID)
        }
        context.logger.debug("login started", metadata: ["saml.idp": "\(idp.entityID)", "saml.request": "\(start.requestID)"])
        return redirect(start.redirectURL, headers: [.setCookie: cookies.pendingLogin(binding, maxAge: timeout.seconds)])
    }

    /// `POST <prefix>/acs`: validates the IdP's response and creates a fresh session.
    /// Throws a ``LoginFailure`` for ``LoginFailureMiddleware`` to render.
    public func assertionConsumer(_ request: Request, context: GatehouseRequestContext) async throws(LoginFailure) -> Response {
        let live = live(context)
        let form: [String: String]
        do {
            let body = try await request.body.collect(upTo: 4 * 1024 * 1024)
            form = Self.parseForm(String(buffer: body))
        } catch {
            throw LoginFailure(.malformedRequest, detail: "ACS body unreadable or over 4 MiB: \(error)")
        }
        guard let samlResponse = form["SAMLResponse"], !samlResponse.isEmpty else {
            throw LoginFailure(.malformedRequest, detail: "no SAMLResponse form field")
        }
        let pending = try await pendingLogin(for: form["RelayState"], request: request, config: live.config)
        // From here on the IdP is known from our own records (the pending login), not from
        // the unverified response, so the page may name it.
        let startedAt = pending?.idpEntityID
        let completion: LoginCompletion
        do {
            completion = try await live.loginService.completeLogin(samlResponse: samlResponse, pending: pending)
        } catch {
            var failure = error
            failure.startedAt = startedAt
            throw failure
        }
        // Provisioning decides before any session exists: a deactivated user gets none.
        let identity = try await provisionedLogin(completion.identity, live: live, startedAt: startedAt)
        // A login for a path whose rule requires an authentication context must reach it:
        // otherwise the door would send the browser straight back to the IdP, again and again.
        // The door's own decision says so, for the browser navigation the login returns to.
        if let pending,
            case .stepUp = live.policy.decide(
                AccessRequest(method: "GET", target: pending.returnPath, accept: "text/html", identity: identity))
        {
            throw LoginFailure(
                .authnContextNotAccepted,
                detail: "AuthnContextClassRef is \(identity.authnContextClassRef ?? "absent"); \(pending.returnPath) requires "
                    + Self.requiredAuthnContext(pending.returnPath, live: live).joined(separator: ", "),
                idp: identity.issuer, startedAt: startedAt)
        }
        let created: String?
        do {
            created = try await store.createSession(
                identity: identity, assertionID: completion.assertionID, until: completion.assertionExpiry)
        } catch {
            throw LoginFailure(.storeUnavailable, detail: "\(error)", idp: identity.issuer, startedAt: startedAt)
        }
        // The store is the durable replay cache: it also knows assertions used on another
        // instance or before a restart.
        guard let id = created else {
            throw LoginFailure(
                .saml(.replayed), detail: "assertion \(completion.assertionID) was already used", idp: identity.issuer,
                startedAt: startedAt)
        }
        // A deactivation committed while this login was being checked has already ended the
        // user's sessions, without this one: asked again now, the store says so.
        try await recheckProvisionedLogin(identity, session: id, live: live, startedAt: startedAt)
        // A fresh ID on every login; the session the browser had before ends.
        if let old = request.cookies[live.config.cookie.name]?.value, SessionID.isWellFormed(old) {
            do {
                try await store.delete(old)
            } catch {
                throw LoginFailure(.storeUnavailable, detail: "\(error)", idp: identity.issuer, startedAt: startedAt)
            }
        }
        metrics.login(outcome: "success")
        context.logger.info(
            "login",
            metadata: [
                "login.outcome": "success", "saml.idp": "\(identity.issuer)", "saml.nameid": "\(identity.nameID)",
            ])
        var headers = HTTPFields()
        headers.append(HTTPField(name: .setCookie, value: cookies.session(id)))
        headers.append(HTTPField(name: .setCookie, value: cookies.clearPendingLogin()))
        let destination = pending?.returnPath ?? form["RelayState"].flatMap { ReturnPath.validate($0) } ?? "/"
        return redirect(destination, status: .seeOther, headers: headers)
    }

    /// The configured display name of the registered IdP `entityID`.
    private func displayName(of entityID: String?, live: GatewayRuntime) async -> String? {
        guard let entityID else { return nil }
        let idps = IdentityProviderSettings.apply(live.config.identityProviders, to: await live.loginService.identityProviders())
        return idps.first { $0.entityID == entityID }?.displayName
    }

    /// The pending login `relayState` names, checked against this browser's binding cookie;
    /// nil where unsolicited responses are allowed and the RelayState is not ours. The login
    /// service then accepts only a response that names no request (no InResponseTo): one
    /// that answers some request must answer this browser's.
    private func pendingLogin(for relayState: String?, request: Request, config: GatehouseConfig) async throws(LoginFailure)
        -> PendingLogin?
    {
        let looksOurs = relayState.map(SessionID.isWellFormed) ?? false
        guard let relayState, looksOurs else {
            guard config.acceptsUnsolicitedResponses else {
                throw LoginFailure(.unsolicited, detail: "response without a RelayState of ours; unsolicited responses are off")
            }
            return nil
        }
        let found: PendingLogin?
        do {
            found = try await store.takePendingLogin(relayState: relayState)
        } catch {
            throw LoginFailure(.storeUnavailable, detail: "\(error)")
        }
        guard let pending = found else {
            throw LoginFailure(.unknownRelayState, detail: "no pending login for this RelayState (expired or used)")
        }
        let binding = request.cookies[config.cookie.pendingLoginName]?.value ?? ""
        guard SessionID.hash(binding) == pending.browserBindingHash else {
            throw LoginFailure(.browserMismatch, detail: "pending-login cookie missing or different", idp: pending.idpEntityID)
        }
        return pending
    }

    /// Logs `failure` in full and answers with a page naming only its code, the reference and
    /// the configured name of the IdP the login was started with (``LoginFailure/startedAt``).
    /// `failure.idp` is what the response claimed and may never have been verified, so it
    /// goes to the log only.
    func loginFailed(_ failure: LoginFailure, context: GatehouseRequestContext) async -> Response {
        metrics.login(outcome: "failure", code: failure.code.name)
        context.logger.warning(
            "login",
            metadata: [
                "login.outcome": "failure", "saml.check": "\(failure.code.name)", "saml.idp": "\(failure.idp ?? "unknown")",
                "saml.detail": "\(failure.detail)",
            ])
        let live = live(context)
        let idpName = await displayName(of: failure.startedAt, live: live)
        let page = MessagePage.loginFailed(failure, idpName: idpName, reference: context.id, retryURL: live.config.routePath("login"))
        return html(failure.status, pages.render(page), headers: [.setCookie: cookies.clearPendingLogin()])
    }

    private func chooser(_ idps: [IdentityProviderSummary], query: String, returnPath: String, config: GatehouseConfig) -> Response {
        let needle = query.lowercased().trimmingCharacters(in: .whitespaces)
        let choices = idps.map { idp in
            let search = ([idp.displayName, idp.entityID] + idp.emailDomains).joined(separator: " ").lowercased()
            let url = config.routePath("login") + "?idp=" + Self.queryEncode(idp.entityID) + "&rd=" + Self.queryEncode(returnPath)
            return (name: idp.displayName, url: url, searchText: search)
        }.filter { needle.isEmpty || $0.searchText.contains(needle) }
        let body = pages.renderChooser(choices: choices, query: query, loginPath: config.routePath("login"), returnPath: returnPath)
        return html(.ok, body)
    }

    static func idp(forEmail hint: String, in idps: [IdentityProviderSummary]) -> IdentityProviderSummary? {
        guard let at = hint.lastIndex(of: "@") else { return nil }
        let domain = hint[hint.index(after: at)...].lowercased()
        return idps.first { $0.emailDomains.contains { $0.lowercased() == domain } }
    }

    /// The fields of a form-encoded body (the ACS's binding, byte-wise: see
    /// `HTTPPostBinding.formFields`).
    static func parseForm(_ body: String) -> [String: String] {
        HTTPPostBinding.formFields(body)
    }
}
