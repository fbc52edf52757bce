import Foundation

extension Gateway {
    /// `identity` linked to its provisioned user (``ProvisioningLink``), when provisioning is
    /// on: the link's key always, the user's id and SCIM groups when `scim.match` finds the
    /// user in the login's tenant (``ProvisioningMatch/tenant(of:idps:)``).
    ///
    /// Throws ``LoginFailure/Code/accountDeactivated`` when a matching user is not active, and
    /// ``LoginFailure/Code/accountNotProvisioned`` under `scim.provisioned_users_only` when no
    /// user matches. Several matching users (SCIM does not make emails unique) link to the
    /// oldest, and any inactive one among them refuses the login.
    func provisionedLogin(_ identity: SessionIdentity, live: GatewayRuntime, startedAt: String?) async throws(LoginFailure)
        -> SessionIdentity
    {
        let settings = live.config.scim
        guard settings.enabled else { return identity }
        let match = ProvisioningMatch(settings.match)
        let tenant = ProvisioningMatch.tenant(of: identity.issuer, idps: live.config.identityProviders)
        guard let value = match.loginValue(identity) else {
            guard !settings.provisionedUsersOnly else {
                throw LoginFailure(
                    .accountNotProvisioned, detail: "the login carries no \(match.saml) to find a provisioned user by",
                    idp: identity.issuer, startedAt: startedAt)
            }
            return identity
        }
        let key = ProvisioningMatch.comparable(value)
        let provisioning = store
        var link = ProvisioningLink(tenant: tenant, key: key)
        do {
            let users = try await provisioning.records(.user, tenant: tenant, where: match.lookup(value)).filter {
                match.keys(of: $0).contains(key)
            }
            if let inactive = users.first(where: { !$0.active }) {
                throw LoginFailure(
                    .accountDeactivated,
                    detail: "provisioned user \(inactive.id) (\(match.scim.rawValue) \(key), tenant \"\(tenant)\") is not active",
                    idp: identity.issuer, startedAt: startedAt)
            }
            if let user = users.first {
                link.userID = user.id
                link.groups = try await Self.groupNames(of: user.id, tenant: tenant, in: provisioning)
            } else if settings.provisionedUsersOnly {
                throw LoginFailure(
                    .accountNotProvisioned,
                    detail: "no provisioned user has \(match.scim.rawValue) \(key) in tenant \"\(tenant)\"",
                    idp: identity.issuer, startedAt: startedAt)
            }
        } catch let failure as LoginFailure {
            throw failure
        } catch {
            throw LoginFailure(.storeUnavailable, detail: "\(error)", idp: identity.issuer, startedAt: startedAt)
        }
        var linked = identity
        linked.provisioning = link
        return linked
    }

    /// Checks a linked login again once its session exists: ends the session when the check
    /// now fails, and gives it the user's groups as they are now. A provisioning write commits,
    /// then acts on the user's sessions; a login checked before that commit but stored after
    /// that action would otherwise keep a session of a deactivated user, or stale groups.
    /// Checked after the session is stored, one of the two always sees the other.
    func recheckProvisionedLogin(_ identity: SessionIdentity, session id: String, live: GatewayRuntime, startedAt: String?)
        async throws(LoginFailure)
    {
        guard let stored = identity.provisioning else { return }
        let now: ProvisioningLink?
        do {
            now = try await provisionedLogin(identity, live: live, startedAt: startedAt).provisioning
        } catch {
            // The browser never gets this session's cookie; it is deleted so it is not listed either.
            try? await store.delete(id)
            throw error
        }
        guard let now, now != stored, let userID = now.userID else { return }
        do {
            try await store.updateProvisioning(.idHash(SessionID.hash(id)), userID: userID, groups: now.groups)
        } catch {
            try? await store.delete(id)
            throw LoginFailure(.storeUnavailable, detail: "\(error)", idp: identity.issuer, startedAt: startedAt)
        }
    }

    /// The display names of the groups of `tenant` that list user `userID`, sorted.
    static func groupNames(of userID: String, tenant: String, in store: any ProvisioningStore) async throws(ProvisioningStoreError)
        -> [String]
    {
        try await store.groups(withMember: userID, tenant: tenant).map(\.name).sorted()
    }
}
