public import Foundation

/// The SAML side of a login, behind a protocol so the server does not depend on its details.
///
/// Gatehouse owns everything around it: RelayState, pending-login records and their browser
/// binding, the replay cache, sessions and redirects. An implementation builds AuthnRequests
/// and validates Responses; it keeps no per-login state of its own.
public protocol LoginService: Sendable {
    /// The IdPs a user may choose from, for the chooser page and `?idp=`.
    func identityProviders() async -> [IdentityProviderSummary]

    /// Builds an AuthnRequest for `idp` carrying `relayState` and returns its ID and the URL
    /// to send the browser to (HTTP-Redirect binding, signed if the IdP wants it).
    func startLogin(idp: String, relayState: String) async throws(LoginFailure) -> LoginStart

    /// ``startLogin(idp:relayState:)`` for a login that must reach one of `authnContext`
    /// (RequestedAuthnContext, comparison exact, in place of the IdP's configured list) and,
    /// with `forceAuthn`, must authenticate the user afresh: the step-up login an access rule
    /// asks for.
    func startLogin(idp: String, relayState: String, authnContext: [String], forceAuthn: Bool) async throws(LoginFailure)
        -> LoginStart

    /// Validates a base64 `SAMLResponse` from the ACS form. `pending` is the login it answers,
    /// or nil for an unsolicited response (only passed when the policy allows those); its
    /// `requestID` is the expected InResponseTo and its `idpEntityID` the expected Issuer.
    func completeLogin(samlResponse: String, pending: PendingLogin?) async throws(LoginFailure) -> LoginCompletion

    /// The SP metadata XML served at `<prefix>/metadata`.
    func serviceProviderMetadata() async throws(LoginFailure) -> String

    /// The registered IdP `entityID`, fetching its metadata first where the configuration
    /// allows that (an MDQ source with `on_demand`); nil when it is not registered. Throws when
    /// fetching it failed.
    func identityProvider(_ entityID: String) async throws(LoginFailure) -> IdentityProviderSummary?

    /// The earliest `validUntil` of each metadata file or source the IdPs come from, for
    /// `/readyz` and `gatehouse_metadata_valid_seconds`.
    func metadataValidity() async -> [String: Date]
}

extension LoginService {
    /// The IdP `entityID` from ``identityProviders()``.
    public func identityProvider(_ entityID: String) async throws(LoginFailure) -> IdentityProviderSummary? {
        await identityProviders().first { $0.entityID == entityID }
    }

    /// None: an implementation without metadata files never expires.
    public func metadataValidity() async -> [String: Date] { [:] }
}
