/// One IdP as the chooser shows it.
public struct IdentityProviderSummary: Sendable, Equatable {
    /// The IdP's entity ID.
    public var entityID: String
    /// A human name, e.g. "Contoso Entra ID".
    public var displayName: String
    /// Email domains whose users belong to this IdP (for `?login_hint=` routing).
    public var emailDomains: [String]

    /// A summary.
    public init(entityID: String, displayName: String, emailDomains: [String] = []) {
        self.entityID = entityID
        self.displayName = displayName
        self.emailDomains = emailDomains
    }
}
