import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import SAML

extension Gateway {
    /// `GET <prefix>/slo`: a LogoutRequest, or the LogoutResponse to ours, by HTTP-Redirect.
    /// The query string is passed on exactly as received, since its signature covers those octets.
    public func singleLogoutRedirect(_ request: Request, context: GatehouseRequestContext) async -> Response {
        let query = request.uri.query ?? ""
        let message: InboundLogoutMessage
        do {
            message = try InboundLogoutMessage(redirectQuery: query)
        } catch {
            return refuseSingleLogout(error, context: context)
        }
        return await frontChannelLogout(message, context: context)
    }

    /// `POST <prefix>/slo`: a LogoutRequest, or the LogoutResponse to ours, by HTTP-POST.
    public func singleLogoutPost(_ request: Request, context: GatehouseRequestContext) async -> Response {
        let message: InboundLogoutMessage
        do {
            let body = try await request.body.collect(upTo: 4 * 1024 * 1024)
            message = try InboundLogoutMessage(postForm: Self.parseForm(String(buffer: body)))
        } catch let error as SAMLValidationError {
            return refuseSingleLogout(error, context: context)
        } catch {
            return refuseSingleLogout(
                SAMLValidationError(code: .malformed, detail: "SLO body unreadable or over 4 MiB: \(error)"), context: context)
        }
        return await frontChannelLogout(message, context: context)
    }

    /// `POST <prefix>/slo/soap`: a LogoutRequest on the back channel. Answers a signed
    /// LogoutResponse envelope, or a SOAP fault (500) when the request is refused.
    public func singleLogoutSOAP(_ request: Request, context: GatehouseRequestContext) async -> Response {
        guard let service = singleLogoutService(context) else {
            return soapFault(SOAPFault(code: .server, reason: "Single Logout needs an SP signing key"), context: context)
        }
        let message: InboundLogoutMessage
        do {
            let body = try await request.body.collect(upTo: 4 * 1024 * 1024)
            message = try InboundLogoutMessage(soapEnvelope: Array(buffer: body))
        } catch let fault as SOAPFault {
            return soapFault(fault, context: context)
        } catch {
            return soapFault(SOAPFault(code: .client, reason: "the body is unreadable or over 4 MiB"), context: context)
        }
        let validated: ValidatedLogoutRequest
        do {
            validated = try await validate(message, service: service)
        } catch {
            logRefusal(error, context: context)
            return soapFault(SOAPFault(error), context: context)
        }
        let status = await endSessions(of: validated, context: context)
        do {
            guard case .soap(let envelope) = try service.builder.response(to: validated, status: status, now: service.clock.now) else {
                return soapFault(SOAPFault(code: .server, reason: "no SOAP answer could be built"), context: context)
            }
            return Response(
                status: .ok, headers: [.contentType: SOAPBinding.contentType], body: .init(byteBuffer: ByteBuffer(bytes: envelope)))
        } catch {
            context.logger.error("could not sign the LogoutResponse", metadata: ["error": "\(error)"])
            return soapFault(SOAPFault(code: .server, reason: "the LogoutResponse could not be signed"), context: context)
        }
    }

    /// A front-channel LogoutRequest: validated, its sessions ended, the signed LogoutResponse
    /// sent back through the browser. A LogoutResponse goes to ``completeSingleLogout(_:service:context:)``.
    private func frontChannelLogout(_ message: InboundLogoutMessage, context: GatehouseRequestContext) async -> Response {
        guard let service = singleLogoutService(context) else {
            return refuseSingleLogout(
                SAMLValidationError(code: .malformed, detail: "Single Logout needs an SP signing key"), context: context)
        }
        if message.kind == .response {
            return await completeSingleLogout(message, service: service, context: context)
        }
        let validated: ValidatedLogoutRequest
        do {
            validated = try await validate(message, service: service)
        } catch {
            return refuseSingleLogout(error, context: context)
        }
        let status = await endSessions(of: validated, context: context)
        let loginURL = live(context).config.routePath("login")
        let clear: HTTPFields = [.setCookie: cookies.clearSession()]
        do {
            switch try service.builder.response(to: validated, status: status, now: service.clock.now) {
            case .redirect(let url):
                var headers = clear
                headers[.location] = url
                headers[.cacheControl] = "no-store"
                return Response(status: .found, headers: headers)
            case .post(let form):
                return html(.ok, form.html, headers: clear)
            case .soap, nil:
                return html(.ok, pages.render(.signedOutEverywhere(loginURL: loginURL)), headers: clear)
            }
        } catch {
            context.logger.error("could not sign the LogoutResponse", metadata: ["error": "\(error)"])
            return html(.internalServerError, "The sign-out answer could not be signed; see the log, reference \(context.id).")
        }
    }

    private func validate(_ message: InboundLogoutMessage, service: SingleLogoutService) async throws(SAMLValidationError)
        -> ValidatedLogoutRequest
    {
        guard message.kind == .request else {
            throw SAMLValidationError(code: .malformed, detail: "a LogoutResponse answers no logout started here")
        }
        return try await service.validator(for: message.claimedIssuer).validateRequest(
            message, identityProvider: service.identityProvider, replayCache: LogoutReplayCache(store: store),
            now: service.clock.now)
    }

    /// Revokes the sessions the request names: by each SessionIndex of that IdP when given,
    /// else every session of that IdP's NameID.
    private func endSessions(of validated: ValidatedLogoutRequest, context: GatehouseRequestContext) async -> LogoutStatus {
        let request = validated.request
        let issuer = validated.identityProvider.entityID
        let selectors: [SessionSelector] =
            request.sessionIndexes.isEmpty
            ? [.user(nameID: request.nameID, issuer: issuer)]
            : request.sessionIndexes.map { .sessionIndex($0, issuer: issuer) }
        var ended = 0
        do {
            for selector in selectors { ended += try await store.revoke(selector) }
        } catch {
            context.logger.error("session store failed during Single Logout", metadata: ["error": "\(error)", "saml.issuer": "\(issuer)"])
            return .responder(message: "the sessions could not be ended")
        }
        context.logger.info(
            "single logout",
            metadata: ["saml.issuer": "\(issuer)", "saml.binding": "\(validated.binding.rawValue)", "sessions": "\(ended)"])
        return .success
    }

    func singleLogoutService(_ context: GatehouseRequestContext) -> SingleLogoutService? {
        (live(context).loginService as? SAMLLoginService)?.singleLogout
    }

    private func logRefusal(_ error: SAMLValidationError, context: GatehouseRequestContext) {
        context.logger.warning(
            "single logout refused",
            metadata: [
                "saml.check": "\(error.code.rawValue)", "saml.issuer": "\(error.issuer ?? "")", "error": "\(error.detail)",
            ])
    }

    private func refuseSingleLogout(_ error: SAMLValidationError, context: GatehouseRequestContext) -> Response {
        logRefusal(error, context: context)
        return html(.badRequest, pages.render(.singleLogoutRefused(reference: context.id)))
    }

    private func soapFault(_ fault: SOAPFault, context: GatehouseRequestContext) -> Response {
        context.logger.warning("single logout SOAP fault", metadata: ["saml.fault": "\(fault)"])
        return Response(
            status: .internalServerError, headers: [.contentType: SOAPBinding.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: fault.envelope)))
    }
}

/// The SAML validator's replay cache over the session store's durable replay records, so a
/// LogoutRequest is refused a second time even after a restart or on another instance.
struct LogoutReplayCache: ReplayCache {
    let store: any AssertionReplayStore

    func remember(id: String, until expiry: Date, now: Date) async throws -> Bool {
        // The validator's key already names the message kind, the IdP and the ID.
        try await store.recordAssertion(id: id, issuer: "single-logout", until: expiry)
    }
}
