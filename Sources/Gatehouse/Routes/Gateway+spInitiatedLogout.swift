import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SAML

extension Gateway {
    /// SP-initiated Single Logout, after the local session has ended: the signed LogoutRequest
    /// for `identity` on its way to the IdP (a 303 to the HTTP-Redirect endpoint, or the
    /// auto-posting form of HTTP-POST), with the pending logout saved to check the answer by.
    /// Nil when there is no SLO to start (no SP key, the IdP gone or without a front-channel
    /// SingleLogoutService) or it could not be started: the caller then answers as a local
    /// sign-out.
    func startSingleLogout(for identity: SessionIdentity, returnPath: String?, context: GatehouseRequestContext) async -> Response? {
        guard let service = singleLogoutService(context) else { return nil }
        let relayState = SessionID.generate()
        let built: (request: LogoutRequest, message: OutboundMessage)?
        do {
            built = try service.logoutRequest(for: identity, relayState: relayState)
        } catch {
            context.logger.error("could not sign the LogoutRequest", metadata: ["saml.idp": "\(identity.issuer)", "error": "\(error)"])
            return nil
        }
        guard let (request, message) = built else { return nil }
        let pending = PendingLogout(
            relayState: relayState, requestID: request.id, idpEntityID: identity.issuer, returnPath: returnPath,
            expiresAt: service.clock.now.addingTimeInterval(service.requestLifetime))
        do {
            try await store.savePendingLogout(pending)
        } catch {
            // Without the record the IdP's answer could not be checked: sign out locally only.
            context.logger.error("session store failed saving the pending logout", metadata: ["error": "\(error)"])
            return nil
        }
        let clear: HTTPFields = [.setCookie: cookies.clearSession()]
        let binding: String
        let answer: Response
        switch message {
        case .redirect(let url):
            binding = "redirect"
            answer = redirect(url, status: .seeOther, headers: clear)
        case .post(let form):
            binding = "post"
            answer = html(.ok, form.html, headers: clear)
        case .soap:
            return nil
        }
        context.logger.info(
            "logout", metadata: ["saml.idp": "\(identity.issuer)", "saml.request": "\(request.id)", "saml.binding": "\(binding)"])
        return answer
    }

    /// An IdP's LogoutResponse at `<prefix>/slo`: accepted only as the answer to a pending
    /// logout of ours (named by its RelayState, taken once), from that IdP, verified by
    /// ``SingleLogoutService/validateResponse(_:answering:)``. The local session is long gone;
    /// the answer only decides what the browser sees.
    func completeSingleLogout(
        _ message: InboundLogoutMessage, service: SingleLogoutService, context: GatehouseRequestContext
    ) async -> Response {
        let config = live(context).config
        guard let relayState = message.relayState, SessionID.isWellFormed(relayState) else {
            return refuseLogoutResponse(
                SAMLValidationError(code: .inResponseToMismatch, detail: "the LogoutResponse carries no RelayState of ours"),
                context: context)
        }
        let found: PendingLogout?
        do {
            found = try await store.takePendingLogout(relayState: relayState)
        } catch {
            context.logger.error("session store failed reading the pending logout", metadata: ["error": "\(error)"])
            let page = pages.render(.logoutResponseRefused(loginURL: config.routePath("login"), reference: context.id))
            return html(.serviceUnavailable, page, headers: [.setCookie: cookies.clearSession()])
        }
        guard let pending = found else {
            return refuseLogoutResponse(
                SAMLValidationError(
                    code: .inResponseToMismatch, detail: "no LogoutRequest awaits this answer (unknown, expired or already answered)"),
                context: context)
        }
        let result: LogoutResult
        do {
            result = try service.validateResponse(message, answering: pending)
        } catch {
            return refuseLogoutResponse(error, context: context)
        }
        context.logger.info(
            "single logout completed",
            metadata: [
                "saml.idp": "\(pending.idpEntityID)", "saml.request": "\(pending.requestID)",
                "logout.outcome": "\(result.outcome.rawValue)",
                "saml.status": "\(result.response.statusCode)", "saml.substatus": "\(result.response.subStatusCode ?? "")",
            ])
        let clear: HTTPFields = [.setCookie: cookies.clearSession()]
        let loginURL = config.routePath("login")
        switch result.outcome {
        case .signedOut:
            if let returnPath = pending.returnPath { return redirect(returnPath, status: .seeOther, headers: clear) }
            return html(.ok, pages.render(.signedOutEverywhere(loginURL: loginURL)), headers: clear)
        case .partiallySignedOut, .failed:
            return html(.ok, pages.render(.signedOutPartially(loginURL: loginURL)), headers: clear)
        }
    }

    private func refuseLogoutResponse(_ error: SAMLValidationError, context: GatehouseRequestContext) -> Response {
        context.logger.warning(
            "logout response refused",
            metadata: [
                "saml.check": "\(error.code.rawValue)", "saml.issuer": "\(error.issuer ?? "")", "error": "\(error.detail)",
            ])
        let page = pages.render(.logoutResponseRefused(loginURL: live(context).config.routePath("login"), reference: context.id))
        return html(.badRequest, page, headers: [.setCookie: cookies.clearSession()])
    }
}
