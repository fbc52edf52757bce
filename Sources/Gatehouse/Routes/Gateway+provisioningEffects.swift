import Logging

extension Gateway {
    /// What committed provisioning writes do at the door, done before the SCIM response is
    /// sent: a user made inactive, deleted, or taken out of the last group a rule needs loses
    /// every session at once, and a group change reaches live sessions on their next request.
    /// The SCIM handlers call it after every successful ``ProvisioningStore/apply(_:)``.
    ///
    /// Sessions are found with ``SessionSelector/provisionedUser(tenant:userID:keys:)``: those
    /// linked to the user at login, and those that signed in before the user was provisioned
    /// under the user's match key (old and new, so a rename in the same write is covered).
    /// A user who stays active has those sessions linked and their SCIM groups rewritten.
    /// Throws when the session store fails; the caller must then not report success.
    func provisioningApplied(_ changes: [ProvisioningChange], tenant: String, live: GatewayRuntime) async throws {
        guard !changes.isEmpty else { return }
        let match = ProvisioningMatch(live.config.scim.match)
        let mode = live.policy.provisionedGroups
        var ended: [String: String] = [:]  // user id -> why its sessions end
        var regrouped: [String] = []  // users whose groups may have changed, in order
        var userChanges: [String: ProvisioningChange] = [:]
        var groupChanges: [ProvisioningChange] = []

        for change in changes {
            guard let record = change.after ?? change.before else { continue }
            switch record.kind {
            case .user:
                userChanges[record.id] = change
                if change.after == nil {
                    ended[record.id] = "deleted"
                } else if change.after?.active == false {
                    ended[record.id] = "deactivated"
                } else if !regrouped.contains(record.id) {
                    regrouped.append(record.id)
                }
            case .group:
                groupChanges.append(change)
                for member in Self.affectedMembers(change) where !regrouped.contains(member) { regrouped.append(member) }
            }
        }

        for (userID, reason) in ended.sorted(by: { $0.key < $1.key }) {
            let change = userChanges[userID]
            let keys = match.keys(of: [change?.before, change?.after])
            let count = try await store.revoke(.provisionedUser(tenant: tenant, userID: userID, keys: keys))
            log(reason: reason, userID: userID, tenant: tenant, sessions: count)
        }

        guard !regrouped.isEmpty else { return }
        let provisioning = store
        for userID in regrouped where ended[userID] == nil {
            let user: ProvisionedRecord?
            if let change = userChanges[userID] {
                user = change.after
            } else {
                user = try await provisioning.record(.user, id: userID, tenant: tenant)
            }
            // A group may list an id that names no user (yet); nothing signed in as it.
            guard let user else { continue }
            let keys = match.keys(of: [userChanges[userID]?.before, user])
            let selector = SessionSelector.provisionedUser(tenant: tenant, userID: userID, keys: keys)
            let current = try await provisioning.groups(withMember: userID, tenant: tenant)
            let now = Set(current.map(\.name))
            let before = Self.previousGroups(of: userID, current: current, changes: groupChanges)
            if mode != .ignore, Self.losesRequiredGroup(live.policy.rules, before: before, now: now) {
                let count = try await store.revoke(selector)
                log(reason: "lost the last group an access rule needs", userID: userID, tenant: tenant, sessions: count)
                continue
            }
            try await store.updateProvisioning(selector, userID: userID, groups: now.sorted())
        }
    }

    /// The users whose groups a group change touches: every member when the group was
    /// created, deleted or renamed, else those added or removed.
    static func affectedMembers(_ change: ProvisioningChange) -> [String] {
        let before = change.before?.memberIDs ?? []
        let after = change.after?.memberIDs ?? []
        if change.before?.name != change.after?.name {
            return before + after.filter { !before.contains($0) }
        }
        let (old, new) = (Set(before), Set(after))
        return before.filter { !new.contains($0) } + after.filter { !old.contains($0) }
    }

    /// The names of the groups `userID` was in before `changes`: the groups it is in now,
    /// with each changed group as it was.
    static func previousGroups(of userID: String, current: [ProvisionedRecord], changes: [ProvisioningChange]) -> Set<String> {
        var byID: [String: String] = [:]
        for group in current { byID[group.id] = group.name }
        for change in changes {
            if let after = change.after { byID[after.id] = nil }
            if let before = change.before, before.memberIDs.contains(userID) { byID[before.id] = before.name }
        }
        return Set(byID.values)
    }

    /// True when some rule's group requirement was met by `before` and is not by `now`.
    static func losesRequiredGroup(_ rules: [AccessRule], before: Set<String>, now: Set<String>) -> Bool {
        rules.contains { rule in
            !rule.anyGroups.isEmpty && !before.isDisjoint(with: rule.anyGroups) && now.isDisjoint(with: rule.anyGroups)
        }
    }

    private func log(reason: String, userID: String, tenant: String, sessions: Int) {
        Logger(label: "gatehouse.provisioning").info(
            "provisioning ended sessions",
            metadata: [
                "scim.user": "\(userID)", "scim.tenant": "\(tenant)", "scim.reason": "\(reason)", "sessions.revoked": "\(sessions)",
            ])
    }
}
