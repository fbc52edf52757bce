import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import SAML

extension Gateway {
    /// `GET <prefix>/login?idp=&rd=&login_hint=&q=`: starts a login, or shows the IdP chooser.
    public func login(_ request: Request, context: GatehouseRequestContext) async -> Response {
        let query = request.uri.queryParameters
        let returnPath = query["rd"].flatMap { ReturnPath.validate(String($0), externalURL: config.externalURL) } ?? "/"
        let live = runtime.current
        let idps = IdentityProviderSettings.apply(live.config.identityProviders, to: await live.loginService.identityProviders())
        let chosen: IdentityProviderSummary?
        if let requested = query["idp"].map(String.init) {
            chosen = idps.first { $0.entityID == requested }
            if chosen == nil {
                let failure = LoginFailure(
                    code: "unknownIdP", detail: "no IdP with entity ID \(requested)",
                    userMessage: "The sign-in option you picked is not configured here.")
                return loginFailed(failure, context: context, status: .badRequest)
            }
        } else if idps.count == 1 {
            chosen = idps[0]
        } else {
            let hint = (query["login_hint"] ?? query["q"]).map(String.init) ?? ""
            chosen = Self.idp(forEmail: hint, in: idps)
        }
        guard let idp = chosen else {
            return chooser(idps, query: query["q"].map(String.init) ?? "", returnPath: returnPath)
        }
        return await startLogin(at: idp, returnPath: returnPath, request: request, context: context)
    }

    private func startLogin(
        at idp: IdentityProviderSummary,
        returnPath: String,
        request: Request,
        context: GatehouseRequestContext
    ) async -> Response {
        let relayState = SessionID.generate()
        // Reuse the browser's binding cookie so logins in two tabs do not void each other.
        let existing = request.cookies[config.cookie.pendingLoginName]?.value
        let binding = existing.flatMap { SessionID.isWellFormed($0) ? $0 : nil } ?? SessionID.generate()
        do {
            let start = try await loginService.startLogin(idp: idp.entityID, relayState: relayState)
            let timeout = config.session.pendingLoginTimeout
            try await store.savePendingLogin(
                PendingLogin(
                    relayState: relayState, requestID: start.requestID, idpEntityID: idp.entityID,
                    returnPath: returnPath, browserBindingHash: SessionID.hash(binding),
                    expiresAt: clock.now.addingTimeInterval(timeout.timeInterval)))
            context.logger.debug("login started", metadata: ["saml.idp": "\(idp.entityID)", "saml.request": "\(start.requestID)"])
            return redirect(start.redirectURL, headers: [.setCookie: cookies.pendingLogin(binding, maxAge: timeout.seconds)])
        } catch let failure as LoginFailure {
            return loginFailed(failure, context: context, status: .internalServerError, idpName: idp.displayName)
        } catch {
            let failure = LoginFailure(
                code: "storeUnavailable", detail: "\(error)", userMessage: "Sign-in is unavailable right now.",
                idp: idp.entityID)
            return loginFailed(failure, context: context, status: .serviceUnavailable, idpName: idp.displayName)
        }
    }

    /// `POST <prefix>/acs`: validates the IdP's response and creates a fresh session.
    public func assertionConsumer(_ request: Request, context: GatehouseRequestContext) async -> Response {
        let form: [String: String]
        do {
            let body = try await request.body.collect(upTo: 4 * 1024 * 1024)
            form = Self.parseForm(String(buffer: body))
        } catch {
            let failure = LoginFailure(
                code: "malformedRequest", detail: "ACS body unreadable or over 4 MiB: \(error)",
                userMessage: "The sign-in response was too large or incomplete.")
            return loginFailed(failure, context: context, status: .badRequest)
        }
        // Set once the RelayState names this browser's pending login: only then is the IdP
        // known from our own records rather than from the unverified response.
        var pending: PendingLogin?
        do {
            guard let samlResponse = form["SAMLResponse"], !samlResponse.isEmpty else {
                throw LoginFailure(
                    code: "malformedRequest", detail: "no SAMLResponse form field",
                    userMessage: "The sign-in response was missing.")
            }
            pending = try await pendingLogin(for: form["RelayState"], request: request)
            let completion = try await loginService.completeLogin(samlResponse: samlResponse, pending: pending)
            let identity = completion.identity
            guard
                let id = try await store.createSession(
                    identity: identity, assertionID: completion.assertionID, until: completion.assertionExpiry)
            else {
                throw LoginFailure(
                    code: "replayed", detail: "assertion \(completion.assertionID) was already used",
                    userMessage: "This sign-in response was already used.", idp: identity.issuer)
            }
            // A fresh ID on every login; the session the browser had before ends.
            if let old = request.cookies[config.cookie.name]?.value, SessionID.isWellFormed(old) {
                try await store.delete(old)
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
        } catch let failure as LoginFailure {
            let status: HTTPResponse.Status = failure.code == "storeUnavailable" ? .serviceUnavailable : .forbidden
            let idpName = await displayName(of: pending?.idpEntityID)
            return loginFailed(failure, context: context, status: status, idpName: idpName)
        } catch {
            let failure = LoginFailure(code: "storeUnavailable", detail: "\(error)", userMessage: "Sign-in is unavailable right now.")
            let idpName = await displayName(of: pending?.idpEntityID)
            return loginFailed(failure, context: context, status: .serviceUnavailable, idpName: idpName)
        }
    }

    /// The configured display name of the registered IdP `entityID`.
    private func displayName(of entityID: String?) async -> String? {
        guard let entityID else { return nil }
        let live = runtime.current
        let idps = IdentityProviderSettings.apply(live.config.identityProviders, to: await live.loginService.identityProviders())
        return idps.first { $0.entityID == entityID }?.displayName
    }

    /// The pending login `relayState` names, checked against this browser's binding cookie;
    /// nil where unsolicited responses are allowed and the RelayState is not ours. The login
    /// service then accepts only a response that names no request (no InResponseTo): one
    /// that answers some request must answer this browser's.
    private func pendingLogin(for relayState: String?, request: Request) async throws -> PendingLogin? {
        let looksOurs = relayState.map(SessionID.isWellFormed) ?? false
        guard let relayState, looksOurs else {
            guard config.unsolicitedResponses == .allow else {
                throw LoginFailure(
                    code: "unsolicited", detail: "response without a RelayState of ours; unsolicited responses are off",
                    userMessage: "Sign-in must start from this site. Open the application and sign in from there.")
            }
            return nil
        }
        guard let pending = try await store.takePendingLogin(relayState: relayState) else {
            throw LoginFailure(
                code: "unknownRelayState", detail: "no pending login for this RelayState (expired or used)",
                userMessage: "This sign-in attempt expired or was already completed.")
        }
        let binding = request.cookies[config.cookie.pendingLoginName]?.value ?? ""
        guard SessionID.hash(binding) == pending.browserBindingHash else {
            throw LoginFailure(
                code: "browserMismatch", detail: "pending-login cookie missing or different",
                userMessage: "Sign-in must finish in the browser that started it.", idp: pending.idpEntityID)
        }
        return pending
    }

    /// Logs `failure` in full and answers with a page naming only its code, the reference and,
    /// when given, `idpName`, which must come from our configuration. `failure.idp` is what
    /// the response claimed and may never have been verified, so it goes to the log only.
    func loginFailed(
        _ failure: LoginFailure, context: GatehouseRequestContext, status: HTTPResponse.Status, idpName: String? = nil
    ) -> Response {
        metrics.login(outcome: "failure", code: failure.code)
        context.logger.warning(
            "login",
            metadata: [
                "login.outcome": "failure", "saml.check": "\(failure.code)", "saml.idp": "\(failure.idp ?? "unknown")",
                "saml.detail": "\(failure.detail)",
            ])
        let page = MessagePage.loginFailed(failure, idpName: idpName, reference: context.id, retryURL: config.routePath("login"))
        return html(status, pages.render(page), headers: [.setCookie: cookies.clearPendingLogin()])
    }

    private func chooser(_ idps: [IdentityProviderSummary], query: String, returnPath: String) -> Response {
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
