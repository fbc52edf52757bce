/// What a session knows of the SCIM-provisioned user it belongs to, kept with the session so
/// that a deprovisioning write finds it whatever `scim.match` says.
///
/// Set at login when provisioning is on. ``key`` is always set, so a session that signed in
/// before its user was provisioned is still found (by the key) once the user exists;
/// ``userID`` is set once the session is linked, and from then on the session belongs to that
/// user alone, even when the user's name changes.
public struct ProvisioningLink: Sendable, Codable, Equatable {
    /// The tenant whose records the login is matched against: the entity ID of the IdP when it
    /// has a provisioning token of its own (`idps[].scim_token_sha256`), else "".
    public var tenant: String
    /// The login's match value (the NameID or the configured attribute) in the form matching
    /// compares: lowercased when it looks like an email address.
    public var key: String
    /// The provisioned user's SCIM `id`, once linked.
    public var userID: String?
    /// The display names of the SCIM groups the user is in, sorted.
    public var groups: [String]

    /// A link as given.
    public init(tenant: String, key: String, userID: String? = nil, groups: [String] = []) {
        self.tenant = tenant
        self.key = key
        self.userID = userID
        self.groups = groups
    }

    /// True when this session belongs to provisioned user `userID` of `tenant`: linked to it,
    /// or not linked yet and signed in under one of `keys` (match values in compare form).
    public func belongs(toTenant tenant: String, userID: String, keys: [String]) -> Bool {
        guard self.tenant == tenant else { return false }
        if let linked = self.userID { return linked == userID }
        return keys.contains(key)
    }
}
