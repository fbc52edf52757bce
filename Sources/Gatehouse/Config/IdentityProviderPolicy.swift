public import Foundation
public import SAML
public import XMLSecurity

/// What the gateway demands of one IdP and asks of it: the global settings with that IdP's
/// `idps[]` entry over them. The gateway's ACS and `gatehouse verify-response` both build the
/// ``ValidationPolicy`` here, so they decide alike.
public struct IdentityProviderPolicy: Sendable, Equatable {
    /// Accept responses that answer no AuthnRequest (IdP-initiated).
    public var allowsUnsolicited = false
    /// Tolerated clock difference.
    public var clockSkew = ConfigDuration(seconds: 90)
    /// Accept RSA-SHA1 signatures and SHA-1 digests.
    public var allowsSHA1 = false
    /// Demand a signature on the Assertion itself.
    public var requiresSignedAssertions = false
    /// Send `ForceAuthn="true"`.
    public var forceAuthn = false
    /// The AuthnContextClassRefs requested (comparison `exact`) and the only ones accepted;
    /// empty: none requested, any accepted.
    public var requestedAuthnContext: [String] = []
    /// The NameIDPolicy Format requested, if any.
    public var nameIDFormat: String?
    /// When AuthnRequests are signed.
    public var signAuthnRequests = AuthnRequestSigning.whenAsked
    /// Accept AES-CBC content encryption. Every failure after decryption then looks the same
    /// to the client (see ``SAMLLoginService``), so no padding oracle opens.
    public var allowsCBC = false

    /// The safe defaults.
    public init() {}

    /// The policy for the IdP `entityID` under `config`: its `idps[]` entry where it says
    /// something, the global settings (or the safe defaults) where it does not.
    public init(entityID: String, config: GatehouseConfig) {
        let settings = config.identityProviders.first { $0.entityID == entityID }
        allowsUnsolicited = settings?.allowUnsolicited ?? (config.unsolicitedResponses == .allow)
        clockSkew = settings?.clockSkew ?? config.clockSkew
        allowsSHA1 = settings?.allowSHA1 ?? allowsSHA1
        requiresSignedAssertions = settings?.requireSignedAssertions ?? requiresSignedAssertions
        forceAuthn = settings?.forceAuthn ?? forceAuthn
        requestedAuthnContext = settings?.requestedAuthnContext ?? requestedAuthnContext
        nameIDFormat = settings?.nameIDFormat ?? nameIDFormat
        signAuthnRequests = settings?.signAuthnRequests ?? signAuthnRequests
        allowsCBC = settings?.allowCBC ?? allowsCBC
    }

    /// The validator's policy for one response from this IdP. `answersRequest` is true when a
    /// pending login is being completed: then an unsolicited response is refused whatever
    /// this IdP allows, since the browser is waiting for the answer to its own request.
    public func validationPolicy(
        audience: String, assertionConsumerServiceURL: String, decryptionKeys: [DecryptionKey], answersRequest: Bool
    ) -> ValidationPolicy {
        var policy = ValidationPolicy(audience: audience, assertionConsumerServiceURL: assertionConsumerServiceURL)
        policy.clockSkew = clockSkew.duration
        policy.allowsUnsolicited = !answersRequest && allowsUnsolicited
        policy.allowsSHA1 = allowsSHA1
        policy.requiresSignedAssertion = requiresSignedAssertions
        policy.decryptionKeys = decryptionKeys
        policy.decryptionOptions = DecryptionOptions(allowsCBC: allowsCBC)
        return policy
    }

    /// The AuthnRequest to this IdP, with the requested NameID format, ForceAuthn and
    /// RequestedAuthnContext.
    public func authnRequest(
        id: String, issueInstant: Date, destination: String, assertionConsumerServiceURL: String, issuer: String
    ) -> AuthnRequest {
        var request = AuthnRequest(
            id: id, issueInstant: issueInstant, destination: destination, assertionConsumerServiceURL: assertionConsumerServiceURL,
            issuer: issuer, nameIDFormat: nameIDFormat)
        request.forceAuthn = forceAuthn
        request.requestedAuthnContextClassRefs = requestedAuthnContext
        request.authnContextComparison = "exact"
        return request
    }

    /// Whether AuthnRequests must be signed, given what the IdP's metadata asks.
    public func signsAuthnRequests(idpWantsSigned: Bool) -> Bool {
        signAuthnRequests == .always || idpWantsSigned
    }

    /// Whether a login at `classRef` meets the requested authentication context (exact
    /// comparison: one of the requested class references, compared as strings).
    public func accepts(authnContextClassRef classRef: String?) -> Bool {
        guard !requestedAuthnContext.isEmpty else { return true }
        guard let classRef else { return false }
        return requestedAuthnContext.contains(classRef)
    }
}
