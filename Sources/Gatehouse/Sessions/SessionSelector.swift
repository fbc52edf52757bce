/// Which sessions a revocation ends: access taken away from outside a request (logout, Single
/// Logout, deprovisioning, `gatehouse sessions revoke`).
public enum SessionSelector: Sendable, Hashable {
    /// One session, by the hex SHA-256 of its ID (``SessionID/hash(_:)``), the only form of a
    /// session's identity that leaves the store.
    case idHash(String)
    /// Every session of a user. `issuer` nil matches that NameID from any IdP; give the IdP
    /// whenever it is known, since two IdPs may assert the same NameID for different people.
    case user(nameID: String, issuer: String?)
    /// The sessions one IdP opened under this SessionIndex (what a LogoutRequest names).
    case sessionIndex(String, issuer: String)
    /// Every session of a provisioned user of `tenant`: those linked to `userID`, and those
    /// not linked to any user that signed in under one of `keys` (match values in the form
    /// ``ProvisioningLink/key`` keeps), so sessions from before the user was provisioned are
    /// found too. See ``ProvisioningLink/belongs(toTenant:userID:keys:)``.
    case provisionedUser(tenant: String, userID: String, keys: [String])
    /// Every session.
    case all

    /// True when a session with this identity is one of those selected.
    func matches(idHash hash: String, nameID: String, issuer: String, sessionIndex: String?, link: ProvisioningLink?) -> Bool {
        switch self {
        case .idHash(let wanted): hash == wanted.lowercased()
        case .user(let wantedNameID, let wantedIssuer): nameID == wantedNameID && (wantedIssuer.map { $0 == issuer } ?? true)
        case .sessionIndex(let wanted, let wantedIssuer): sessionIndex == wanted && issuer == wantedIssuer
        case .provisionedUser(let tenant, let userID, let keys):
            link?.belongs(toTenant: tenant, userID: userID, keys: keys) ?? false
        case .all: true
        }
    }
}
