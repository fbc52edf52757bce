public import Foundation
import SAML
public import XMLSecurity

/// The SAML implementation of ``LoginService``: AuthnRequests out, validated Responses in.
public struct SAMLLoginService: LoginService {
    /// The trusted IdPs.
    public let registry: IdentityProviderRegistry
    let entityID: String
    let assertionConsumerServiceURL: String
    let clockSkew: Duration
    let allowsUnsolicited: Bool
    let signingKey: SigningKey?
    let decryptionKeys: [DecryptionKey]
    let clock: any WallClock
    // A fast first layer in this process; the gateway's session store is the durable cache
    // that also refuses a replay after a restart or on another instance.
    let replayCache = InMemoryReplayCache()

    let metadataXML: String

    /// A service for `resolved`, trusting the IdPs of its registry and using its SP keys.
    /// `clock` stamps AuthnRequests and is the instant responses are validated at.
    public init(resolved: ResolvedConfig, clock: any WallClock = SystemWallClock()) {
        let config = resolved.config
        registry = resolved.registry
        self.clock = clock
        entityID = config.entityID
        assertionConsumerServiceURL = config.endpointURL("acs")
        clockSkew = .seconds(config.clockSkew.seconds)
        allowsUnsolicited = config.unsolicitedResponses == .allow
        signingKey = resolved.serviceProviderKeys?.signingKey
        decryptionKeys = resolved.serviceProviderKeys?.decryptionKeys ?? []
        metadataXML = resolved.serviceProviderMetadata
    }

    public func identityProviders() async -> [IdentityProviderSummary] {
        registry.entries.map(\.summary)
    }

    public func startLogin(idp: String, relayState: String) async throws(LoginFailure) -> LoginStart {
        let entry = try registry.currentEntry(idp, at: clock.now)
        guard let sso = entry.descriptor.singleSignOnService(binding: SAMLBinding.httpRedirect) else {
            throw LoginFailure(.noRedirectEndpoint, detail: "\(idp) publishes no HTTP-Redirect SingleSignOnService", idp: idp)
        }
        let request = AuthnRequest(
            id: AuthnRequest.makeID(), issueInstant: clock.now, destination: sso.location,
            assertionConsumerServiceURL: assertionConsumerServiceURL, issuer: entityID)
        let key = entry.descriptor.wantAuthnRequestsSigned ? signingKey : nil
        if entry.descriptor.wantAuthnRequestsSigned && key == nil {
            throw LoginFailure(
                .signingKeyMissing, detail: "\(idp) wants signed AuthnRequests but no SP key is configured", idp: idp)
        }
        do {
            let algorithm: SignatureAlgorithm = key?.kind == .ec ? .ecdsaSHA256 : .rsaSHA256
            let url = try HTTPRedirectBinding.url(
                endpoint: sso.location, request.xml, relayState: relayState, signingKey: key, algorithm: algorithm)
            return LoginStart(requestID: request.id, redirectURL: url)
        } catch {
            throw LoginFailure(.requestEncodingFailed, detail: error.description, idp: idp)
        }
    }

    public func completeLogin(samlResponse: String, pending: PendingLogin?) async throws(LoginFailure) -> LoginCompletion {
        var policy = ValidationPolicy(audience: entityID, assertionConsumerServiceURL: assertionConsumerServiceURL)
        policy.clockSkew = clockSkew
        policy.allowsUnsolicited = pending == nil && allowsUnsolicited
        policy.decryptionKeys = decryptionKeys
        let validator = ResponseValidator(policy: policy, replayCache: replayCache)
        let identity: Identity
        let now = clock.now
        do {
            let response = try SAMLResponse(posted: samlResponse, limits: policy.parseLimits)
            let provider = try provider(answering: response, pending: pending)
            identity = try await validator.validate(response, from: provider, expectedRequestID: pending?.requestID, now: now)
        } catch {
            throw LoginFailure(error)
        }
        // Expired metadata is never trusted, even for a response that verified with its keys.
        _ = try registry.currentEntry(identity.issuer, at: now)
        return LoginCompletion(
            identity: SessionIdentity(saml: identity), assertionID: identity.assertionID,
            assertionExpiry: identity.replayExpiry ?? now.addingTimeInterval(3_600))
    }

    /// The registered IdP the response's Issuer names, looked up by entity ID (not a scan of a
    /// federation's thousands). A pending login names its IdP: only that IdP may answer it.
    private func provider(answering response: SAMLResponse, pending: PendingLogin?) throws(SAMLValidationError) -> IdentityProvider {
        guard let issuer = response.issuer else {
            throw SAMLValidationError(code: .unknownIssuer, detail: "the response names no Issuer")
        }
        guard let entry = registry.entry(issuer) else {
            throw SAMLValidationError(code: .unknownIssuer, detail: "no IdP with entity ID \(issuer) is configured", issuer: issuer)
        }
        if let pending, pending.idpEntityID != issuer {
            throw SAMLValidationError(
                code: .issuerMismatch, detail: "the login was started at \(pending.idpEntityID), the response's Issuer is \(issuer)",
                issuer: issuer)
        }
        return entry.provider
    }

    public func serviceProviderMetadata() async throws(LoginFailure) -> String {
        metadataXML
    }
}

extension SessionIdentity {
    /// The session's copy of a validated identity. Attributes are kept under their Name and,
    /// where it does not collide, under their FriendlyName too, so header rules can use either.
    init(saml identity: Identity) {
        var attributes = identity.attributes
        for (name, friendly) in identity.friendlyNames where attributes[friendly] == nil {
            attributes[friendly] = identity.attributes[name]
        }
        self.init(
            nameID: identity.nameID, nameIDFormat: identity.nameIDFormat, issuer: identity.issuer,
            sessionIndex: identity.sessionIndex, authnContextClassRef: identity.authnContextClassRef, attributes: attributes)
    }
}
