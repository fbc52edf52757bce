/// What the admin says about one IdP, over what its metadata says: the name the chooser
/// shows and the email domains that route `?login_hint=` and typed addresses to it.
///
/// ```yaml
/// idps:
///   - entity_id: http://www.okta.com/exk1a2b3c4
///     display_name: Acme staff (Okta)
///     email_domains: [acme.com, acme.co.uk]
/// ```
public struct IdentityProviderSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// The IdP's entity ID, exactly as in its metadata.
    public var entityID: String
    /// Replaces the metadata's mdui:DisplayName (or the entity ID) on the chooser.
    public var displayName: String?
    /// Replaces the domains from the metadata (mdui:DomainHint, shibmd:Scope).
    public var emailDomains: [String]?

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
