public import Foundation
public import XMLSecurity

/// Builds and signs what we send in Single Logout (Profiles §4.4): our LogoutRequest
/// (SP-initiated) and our LogoutResponse to an IdP's request, each in the form of its binding.
public struct LogoutBuilder: Sendable {
    /// Who we are (Issuer) and which bindings we prefer.
    public var policy: LogoutPolicy
    /// The SP key every message is signed with.
    public var signingKey: SigningKey
    /// The signature method: RSA-SHA256 for an RSA key, ECDSA-SHA256 for an EC key, unless set.
    public var algorithm: SignatureAlgorithm

    /// A builder signing with `signingKey`.
    public init(policy: LogoutPolicy, signingKey: SigningKey, algorithm: SignatureAlgorithm? = nil) {
        self.policy = policy
        self.signingKey = signingKey
        self.algorithm = algorithm ?? (signingKey.kind == .ec ? .ecdsaSHA256 : .rsaSHA256)
    }

    /// The signed LogoutRequest ending `subject`'s session at `idp`, over the first of
    /// ``LogoutPolicy/preferredBindings`` the IdP offers. Nil when the IdP has no front-channel
    /// SingleLogoutService: then only the local session ends. Keep ``LogoutRequest/id`` and the
    /// IdP with the pending logout (keyed by `relayState`) to validate the answer.
    public func request(
        for subject: LogoutSubject, to idp: IdentityProvider, relayState: String?, now: Date, id: String = AuthnRequest.makeID()
    ) throws(XMLSecurityError) -> (request: LogoutRequest, message: OutboundMessage)? {
        guard let endpoint = frontChannelEndpoint(of: idp, preferring: nil) else { return nil }
        var request = LogoutRequest(
            id: id, issueInstant: now, destination: endpoint.location, issuer: policy.entityID, nameID: subject.nameID,
            nameIDFormat: subject.format, sessionIndexes: subject.sessionIndexes)
        request.nameQualifier = subject.nameQualifier
        request.spNameQualifier = subject.spNameQualifier
        request.notOnOrAfter = now.addingTimeInterval(policy.requestLifetimeSeconds)
        let message = try encode(request.xml, parameter: .request, binding: endpoint.binding, to: endpoint.location, relayState: relayState)
        return (request, message)
    }

    /// Our signed LogoutResponse to a validated request: by SOAP for a SOAP request, otherwise
    /// over the binding it came by (or the other front-channel one the IdP offers), to the
    /// endpoint's ResponseLocation or Location. Nil when the IdP offers no front-channel
    /// SingleLogoutService: there is nowhere to send the browser.
    public func response(
        to validated: ValidatedLogoutRequest, status: LogoutStatus, now: Date, id: String = AuthnRequest.makeID()
    ) throws(XMLSecurityError) -> OutboundMessage? {
        let idp = validated.identityProvider
        let endpoint: Endpoint?
        switch validated.binding {
        case .soap: endpoint = idp.singleLogoutService(binding: SAMLBinding.soap)
        case .httpRedirect: endpoint = frontChannelEndpoint(of: idp, preferring: SAMLBinding.httpRedirect)
        case .httpPOST: endpoint = frontChannelEndpoint(of: idp, preferring: SAMLBinding.httpPOST)
        }
        if validated.binding != .soap, endpoint == nil { return nil }
        var response = LogoutResponse(
            id: id, issueInstant: now, destination: endpoint?.responseURL, issuer: policy.entityID,
            inResponseTo: validated.request.id)
        let codes = status.codes
        response.statusCode = codes.top
        response.subStatusCode = codes.second
        response.statusMessage = codes.message
        guard validated.binding != .soap, let endpoint else {
            let signed = try Signer.signEnveloped(Array(response.xml.utf8), key: signingKey, algorithm: algorithm)
            return .soap(envelope: SOAPBinding.envelope(body: signed))
        }
        return try encode(
            response.xml, parameter: .response, binding: endpoint.binding, to: endpoint.responseURL, relayState: validated.relayState)
    }

    /// The IdP's first front-channel SingleLogoutService, `preferring` a binding when offered.
    private func frontChannelEndpoint(of idp: IdentityProvider, preferring: String?) -> Endpoint? {
        let order = (preferring.map { [$0] } ?? []) + policy.preferredBindings
        for binding in order where binding == SAMLBinding.httpRedirect || binding == SAMLBinding.httpPOST {
            if let endpoint = idp.singleLogoutService(binding: binding) { return endpoint }
        }
        return nil
    }

    private func encode(
        _ xml: String, parameter: HTTPRedirectBinding.Parameter, binding: String, to url: String, relayState: String?
    ) throws(XMLSecurityError) -> OutboundMessage {
        if binding == SAMLBinding.httpRedirect {
            return .redirect(
                url: try HTTPRedirectBinding.url(
                    endpoint: url, xml, parameter: parameter, relayState: relayState, signingKey: signingKey, algorithm: algorithm))
        }
        let value = try HTTPPostBinding.encode(xml, signingKey: signingKey, algorithm: algorithm)
        return .post(PostForm(action: url, parameter: parameter, value: value, relayState: relayState))
    }
}
