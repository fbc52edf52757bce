/// What the admin says about one IdP, over what its metadata says: the name the chooser
/// shows, the email domains that route `?login_hint=` and typed addresses to it, and the
/// policy its logins follow. A policy field left out keeps the global setting (or the safe
/// default); ``IdentityProviderPolicy`` is the result.
///
/// ```yaml
/// idps:
///   - entity_id: http://www.okta.com/exk1a2b3c4
///     display_name: Acme staff (Okta)
///     email_domains: [acme.com, acme.co.uk]
///     requested_authn_context: [urn:oasis:names:tc:SAML:2.0:ac:classes:MultiFactor]
///     allow_cbc: true
/// ```
public struct IdentityProviderSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// The IdP's entity ID, exactly as in its metadata.
    public var entityID: String
    /// Replaces the metadata's mdui:DisplayName (or the entity ID) on the chooser.
    public var displayName: String?
    /// Replaces the domains from the metadata (mdui:DomainHint, shibmd:Scope).
    public var emailDomains: [String]?
    /// Accept IdP-initiated responses from this IdP; nil: the global `unsolicited_responses`.
    public var allowUnsolicited: Bool?
    /// Tolerated clock difference with this IdP; nil: the global `clock_skew`.
    public var clockSkew: ConfigDuration?
    /// Accept RSA-SHA1 signatures and SHA-1 digests from this IdP; nil: no.
    public var allowSHA1: Bool?
    /// Demand a signature on the Assertion itself (a signed Response alone is not enough); nil: no.
    public var requireSignedAssertions: Bool?
    /// Ask this IdP to authenticate the user again even when it has a session; nil: no.
    public var forceAuthn: Bool?
    /// AuthnContextClassRefs to request (comparison `exact`); the response's must be one of
    /// them. Nil or empty: none requested, any accepted.
    public var requestedAuthnContext: [String]?
    /// The NameIDPolicy Format to request; nil: none.
    public var nameIDFormat: String?
    /// When AuthnRequests to this IdP are signed; nil: ``AuthnRequestSigning/whenAsked``.
    public var signAuthnRequests: AuthnRequestSigning?
    /// Accept AES-CBC content encryption from this IdP (Entra ID, AD FS); nil: no, GCM only.
    public var allowCBC: Bool?
    /// The hex SHA-256 of a SCIM bearer token that provisions this IdP's users only; the users
    /// it writes link only to logins from this IdP. Nil: none.
    public var scimToken: SCIMSettings.Token?

    /// Settings for `entityID`.
    public init(entityID: String, displayName: String? = nil, emailDomains: [String]? = nil) {
        self.entityID = entityID
        self.displayName = displayName
        self.emailDomains = emailDomains
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case entityID = "entity_id"
        case displayName = "display_name"
        case emailDomains = "email_domains"
        case allowUnsolicited = "allow_unsolicited"
        case clockSkew = "clock_skew"
        case allowSHA1 = "allow_sha1"
        case requireSignedAssertions = "require_signed_assertions"
        case forceAuthn = "force_authn"
        case requestedAuthnContext = "requested_authn_context"
        case nameIDFormat = "name_id_format"
        case signAuthnRequests = "sign_authn_requests"
        case allowCBC = "allow_cbc"
        case scimToken = "scim_token_sha256"
    }

    static var nestedSections: [CodingKeys: any ConfigSection.Type] { [.scimToken: SCIMSettings.Token.self] }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        entityID = try c.decode(String.self, forKey: .entityID)
        displayName = try c.decode(forKey: .displayName, default: displayName)
        emailDomains = try c.decode(forKey: .emailDomains, default: emailDomains)
        allowUnsolicited = try c.decode(forKey: .allowUnsolicited, default: allowUnsolicited)
        clockSkew = try c.decode(forKey: .clockSkew, default: clockSkew)
        allowSHA1 = try c.decode(forKey: .allowSHA1, default: allowSHA1)
        requireSignedAssertions = try c.decode(forKey: .requireSignedAssertions, default: requireSignedAssertions)
        forceAuthn = try c.decode(forKey: .forceAuthn, default: forceAuthn)
        requestedAuthnContext = try c.decode(forKey: .requestedAuthnContext, default: requestedAuthnContext)
        nameIDFormat = try c.decode(forKey: .nameIDFormat, default: nameIDFormat)
        signAuthnRequests = try c.decode(forKey: .signAuthnRequests, default: signAuthnRequests)
        allowCBC = try c.decode(forKey: .allowCBC, default: allowCBC)
        scimToken = try c.decode(forKey: .scimToken, default: scimToken)
    }

    /// `idps` with the admin's settings applied, sorted again by the name the chooser shows.
    public static func apply(_ settings: [IdentityProviderSettings], to idps: [IdentityProviderSummary]) -> [IdentityProviderSummary] {
        guard !settings.isEmpty else { return idps }
        let byEntity = Dictionary(settings.map { ($0.entityID, $0) }, uniquingKeysWith: { first, _ in first })
        return idps.map { idp in
            guard let setting = byEntity[idp.entityID] else { return idp }
            var changed = idp
            if let name = setting.displayName { changed.displayName = name }
            if let domains = setting.emailDomains { changed.emailDomains = domains }
            return changed
        }.sorted { ($0.displayName.lowercased(), $0.entityID) < ($1.displayName.lowercased(), $1.entityID) }
    }
}
