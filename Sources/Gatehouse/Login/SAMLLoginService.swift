public import Foundation
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
    /// IdPs fetched from MDQ services when first named; kept across reloads and refreshes.
    let metadataQuery: MetadataQueryCache?
    /// The earliest `validUntil` of each document in ``registry``.
    let metadataExpiries: [String: Date]

    /// A service for `resolved`, trusting the IdPs of its registry and using its SP keys.
    /// `clock` stamps AuthnRequests and is the instant responses are validated at. An IdP the
    /// registry lacks is asked of `metadataQuery`, when given.
    public init(resolved: ResolvedConfig, clock: any WallClock = SystemWallClock(), metadataQuery: MetadataQueryCache? = nil) {
        let config = resolved.config
        registry = resolved.registry
        self.metadataQuery = metadataQuery
        var expiries: [String: Date] = [:]
        for entry in resolved.registry.entries {
            guard let validUntil = entry.validUntil else { continue }
            expiries[entry.source] = min(validUntil, expiries[entry.source] ?? .distantFuture)
        }
        metadataExpiries = expiries
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

    public func identityProvider(_ entityID: String) async throws(LoginFailure) -> IdentityProviderSummary? {
        if let entry = registry.entry(entityID) { return entry.summary }
        guard metadataQuery != nil else { return nil }
        return try await entry(entityID).summary
    }

    public func metadataValidity() async -> [String: Date] { metadataExpiries }

    /// The IdP `entityID` from the registry or, when the registry lacks it, from the MDQ
    /// source that may fetch it; refused once its metadata is past its `validUntil`.
    func entry(_ entityID: String) async throws(LoginFailure) -> IdentityProviderRegistry.Entry {
        if registry.entry(entityID) == nil, let metadataQuery {
            let entry = try await metadataQuery.entry(entityID)
            try Self.checkCurrent(entry, at: clock.now)
            return entry
        }
        return try registry.currentEntry(entityID, at: clock.now)
    }

    /// Refuses `entry` once its metadata is past its `validUntil`.
    static func checkCurrent(_ entry: IdentityProviderRegistry.Entry, at now: Date) throws(LoginFailure) {
        if let validUntil = entry.validUntil, validUntil <= now {
            throw LoginFailure(
                .metadataExpired,
                detail: "the metadata of \(entry.provider.entityID) from \(entry.source) expired at \(validUntil.formatted(.iso8601))",
                idp: entry.provider.entityID)
        }
    }

    public func startLogin(idp: String, relayState: String) async throws(LoginFailure) -> LoginStart {
        try await startLogin(idp: idp, relayState: relayState, authnContext: [], forceAuthn: false)
    }

    public func startLogin(idp: String, relayState: String, authnContext: [String], forceAuthn: Bool) async throws(LoginFailure)
        -> LoginStart
    {
        let entry = try await entry(idp)
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
        do {
            response = try SAMLResponse(posted: samlResponse, limits: ParseLimits())
        } catch {
            throw LoginFailure(error)
        }
        let entry = try await self.entry(answering: response, pending: pending)
        let provider = entry.provider
        let idpPolicy = IdentityProviderPolicy(entityID: provider.entityID, config: config)
        let policy = idpPolicy.validationPolicy(
            audience: entityID, assertionConsumerServiceURL: assertionConsumerServiceURL, decryptionKeys: decryptionKeys,
            answersRequest: pending != nil)
        let encrypted = response.assertionEncryptionAlgorithm != nil
        do {
            let identity = try await validated(response, from: entry, policy: idpPolicy, validation: policy, pending: pending, now: now)
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
        _ response: SAMLResponse, from entry: IdentityProviderRegistry.Entry, policy: IdentityProviderPolicy,
        validation: ValidationPolicy, pending: PendingLogin?, now: Date
    ) async throws(LoginFailure) -> Identity {
        let provider = entry.provider
        let validator = ResponseValidator(policy: validation, replayCache: replayCache)
        let identity: Identity
        do {
            identity = try await validator.validate(response, from: provider, expectedRequestID: pending?.requestID, now: now)
        } catch {
            throw LoginFailure(error)
        }
        // Expired metadata is never trusted, even for a response that verified with its keys.
        try Self.checkCurrent(entry, at: now)
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
    /// federation's thousands), or fetched from an MDQ source that may fetch it. A pending login
    /// names its IdP: only that IdP may answer it, and that is checked before anything is
    /// fetched (an unknown Issuer that does not answer it is an unknown issuer, as without MDQ).
    private func entry(answering response: SAMLResponse, pending: PendingLogin?) async throws(LoginFailure)
        -> IdentityProviderRegistry.Entry
    {
        guard let issuer = response.issuer else {
            throw LoginFailure(SAMLValidationError(code: .unknownIssuer, detail: "the response names no Issuer"))
        }
        let known = registry.entry(issuer)
        guard known != nil || metadataQuery != nil && (pending == nil || pending?.idpEntityID == issuer) else {
            throw LoginFailure(
                SAMLValidationError(code: .unknownIssuer, detail: "no IdP with entity ID \(issuer) is configured", issuer: issuer))
        }
        if let pending, pending.idpEntityID != issuer {
            throw LoginFailure(
                SAMLValidationError(
                    code: .issuerMismatch,
                    detail: "the login was started at \(pending.idpEntityID), the response's Issuer is \(issuer)", issuer: issuer))
        }
        if let known { return known }
        guard let metadataQuery else {
            throw LoginFailure(
                SAMLValidationError(code: .unknownIssuer, detail: "no IdP with entity ID \(issuer) is configured", issuer: issuer))
        }
        return try await metadataQuery.entry(issuer)
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
    /// IdPs fetched from MDQ services when first named.
    let metadataQuery: MetadataQueryCache?
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

    /// The IdP a message claims to come from (unverified), when the registry lacks it and an
    /// MDQ source may fetch it; nil otherwise, or when fetching it failed (the validator then
    /// refuses the message as from an unknown issuer). Its metadata must still be valid.
    func fetchedIdentityProvider(claimedBy issuer: String?) async -> IdentityProvider? {
        guard let issuer, registry.entry(issuer) == nil, let metadataQuery,
            let entry = try? await metadataQuery.entry(issuer), (try? SAMLLoginService.checkCurrent(entry, at: clock.now)) != nil
        else { return nil }
        return entry.provider
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
            metadataQuery: metadataQuery, clock: clock)
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
