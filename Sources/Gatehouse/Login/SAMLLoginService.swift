import Foundation
import SAML
import XMLSecurity

/// The SAML implementation of ``LoginService``: AuthnRequests out, validated Responses in.
public struct SAMLLoginService: LoginService {
    /// The trusted IdPs.
    public let registry: IdentityProviderRegistry
    let entityID: String
    let assertionConsumerServiceURL: String
    let config: GatehouseConfig
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
        self.config = config
        signingKey = resolved.serviceProviderKeys?.signingKey
        decryptionKeys = resolved.serviceProviderKeys?.decryptionKeys ?? []
        metadataXML = resolved.serviceProviderMetadata
    }

    public func identityProviders() async -> [IdentityProviderSummary] {
        registry.entries.map(\.summary)
    }

    public func startLogin(idp: String, relayState: String) async throws(LoginFailure) -> LoginStart {
        try await startLogin(idp: idp, relayState: relayState, authnContext: [], forceAuthn: false)
    }

    public func startLogin(idp: String, relayState: String, authnContext: [String], forceAuthn: Bool) async throws(LoginFailure)
        -> LoginStart
    {
        let entry = try registry.currentEntry(idp, at: clock.now)
        guard let sso = entry.descriptor.singleSignOnService(binding: SAMLBinding.httpRedirect) else {
            throw LoginFailure(.noRedirectEndpoint, detail: "\(idp) publishes no HTTP-Redirect SingleSignOnService", idp: idp)
        }
        var policy = IdentityProviderPolicy(entityID: entry.provider.entityID, config: config)
        if !authnContext.isEmpty { policy.requestedAuthnContext = authnContext }
        policy.forceAuthn = policy.forceAuthn || forceAuthn
        let request = policy.authnRequest(
            id: AuthnRequest.makeID(), issueInstant: clock.now, destination: sso.location,
            assertionConsumerServiceURL: assertionConsumerServiceURL, issuer: entityID)
        let signs = policy.signsAuthnRequests(idpWantsSigned: entry.descriptor.wantAuthnRequestsSigned)
        let key = signs ? signingKey : nil
        if signs && key == nil {
            let why = policy.signAuthnRequests == .always ? "sign_authn_requests is always" : "\(idp) wants signed AuthnRequests"
            throw LoginFailure(.signingKeyMissing, detail: "\(why) but no SP key is configured", idp: idp)
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
        let started = ContinuousClock.now
        let now = clock.now
        let response: SAMLResponse
        let provider: IdentityProvider
        do {
            response = try SAMLResponse(posted: samlResponse, limits: ParseLimits())
            provider = try self.provider(answering: response, pending: pending)
        } catch {
            throw LoginFailure(error)
        }
        let idpPolicy = IdentityProviderPolicy(entityID: provider.entityID, config: config)
        let policy = idpPolicy.validationPolicy(
            audience: entityID, assertionConsumerServiceURL: assertionConsumerServiceURL, decryptionKeys: decryptionKeys,
            answersRequest: pending != nil)
        let encrypted = response.assertionEncryptionAlgorithm != nil
        do {
            let identity = try await validated(response, from: provider, policy: idpPolicy, validation: policy, pending: pending, now: now)
            return LoginCompletion(
                identity: SessionIdentity(saml: identity), assertionID: identity.assertionID,
                assertionExpiry: identity.replayExpiry ?? now.addingTimeInterval(3_600))
        } catch {
            guard idpPolicy.allowsCBC && encrypted else { throw error }
            // AES-CBC has no integrity: an answer that told a padding error apart from a later
            // failure would be a padding oracle. So every failure of an encrypted response
            // from such an IdP has one code (one status, one page, one page text), the check
            // that failed stays in the log detail, and the answer waits until a fixed time
            // after the post arrived, longer than the whole validation takes.
            try? await Task.sleep(until: started.advanced(by: Self.uniformFailureDelay), clock: .continuous)
            throw LoginFailure(.encryptedResponseRejected, detail: "\(error.code.name): \(error.detail)", idp: error.idp)
        }
    }

    /// How long after the post an encrypted response from an IdP with AES-CBC enabled is
    /// refused: far above the validator's own time (about a millisecond), so the answer's
    /// timing does not depend on the check that failed.
    static let uniformFailureDelay = Duration.milliseconds(250)

    /// Validates `response` under `validation`, then checks the authentication context the
    /// IdP's policy requires.
    private func validated(
        _ response: SAMLResponse, from provider: IdentityProvider, policy: IdentityProviderPolicy, validation: ValidationPolicy,
        pending: PendingLogin?, now: Date
    ) async throws(LoginFailure) -> Identity {
        let validator = ResponseValidator(policy: validation, replayCache: replayCache)
        let identity: Identity
        do {
            identity = try await validator.validate(response, from: provider, expectedRequestID: pending?.requestID, now: now)
        } catch {
            throw LoginFailure(error)
        }
        // Expired metadata is never trusted, even for a response that verified with its keys.
        _ = try registry.currentEntry(identity.issuer, at: now)
        guard policy.accepts(authnContextClassRef: identity.authnContextClassRef) else {
            throw LoginFailure(
                .authnContextNotAccepted,
                detail: "AuthnContextClassRef is \(identity.authnContextClassRef ?? "absent"), requested (exact) "
                    + policy.requestedAuthnContext.joined(separator: ", "),
                idp: provider.entityID)
        }
        return identity
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

/// Single Logout as this SP runs it: validates the IdPs' logout messages and signs our own.
/// The routes own everything around it (sessions, pending logouts, pages).
struct SingleLogoutService: Sendable {
    /// What every IdP's logout messages are checked against, before its own policy applies.
    let policy: LogoutPolicy
    /// Signs our LogoutResponses and LogoutRequests.
    let builder: LogoutBuilder
    /// The trusted IdPs.
    let registry: IdentityProviderRegistry
    /// The configuration the per-IdP policy (`idps[]`) comes from.
    let config: GatehouseConfig
    /// The instant messages are checked and stamped at.
    let clock: any WallClock

    /// The validator for messages from `entityID`: that IdP's clock skew, SHA-1 and AES-CBC
    /// settings over ``policy``, as its logins get. Choosing by the message's claimed Issuer
    /// is safe: the validator then demands that IdP's signature.
    func validator(for entityID: String?) -> LogoutValidator {
        guard let entityID else { return LogoutValidator(policy: policy) }
        let idpPolicy = IdentityProviderPolicy(entityID: entityID, config: config)
        var policy = policy
        policy.clockSkew = idpPolicy.clockSkew.duration
        policy.allowsSHA1 = idpPolicy.allowsSHA1
        policy.decryptionOptions = DecryptionOptions(allowsCBC: idpPolicy.allowsCBC)
        return LogoutValidator(policy: policy)
    }

    /// The registered IdP with this entity ID, as the validator needs it; nil when unknown or
    /// when its metadata has expired (expired metadata is never trusted, for logout as for login).
    func identityProvider(_ entityID: String) -> IdentityProvider? {
        try? registry.currentEntry(entityID, at: clock.now).provider
    }
}

extension SAMLLoginService {
    /// Single Logout for this SP, or nil when the SP has no signing key: every answer to an IdP
    /// must be signed, so without a key no SLO endpoint works (nor is advertised).
    var singleLogout: SingleLogoutService? {
        guard let signingKey else { return nil }
        var policy = LogoutPolicy(
            entityID: entityID, singleLogoutServiceURL: config.endpointURL("slo"),
            soapSingleLogoutServiceURL: config.endpointURL("slo/soap"))
        policy.decryptionKeys = decryptionKeys
        policy.clockSkew = config.clockSkew.duration
        return SingleLogoutService(
            policy: policy, builder: LogoutBuilder(policy: policy, signingKey: signingKey), registry: registry, config: config,
            clock: clock)
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
            nameID: identity.nameID, nameIDFormat: identity.nameIDFormat, nameQualifier: identity.nameQualifier,
            spNameQualifier: identity.spNameQualifier, issuer: identity.issuer, sessionIndex: identity.sessionIndex,
            authnContextClassRef: identity.authnContextClassRef, attributes: attributes)
    }
}
