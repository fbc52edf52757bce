import Foundation
import Gatehouse
import Synchronization

/// A memory store that runs a hook just before it writes a new session: a test puts another
/// request's write (a SCIM deactivation) exactly between a login's checks and its session.
final class InterleavingStore: SessionStorage, ProvisioningStore {
    let inner = MemorySessionStore()
    var timeouts: SessionTimeouts { inner.timeouts }
    var clock: any WallClock { inner.clock }
    private let hook = Mutex<(@Sendable () async -> Void)?>(nil)

    /// Runs `body` once, before the next session is created.
    func beforeNextCreate(_ body: @escaping @Sendable () async -> Void) {
        hook.withLock { $0 = body }
    }

    func create(identity: SessionIdentity) async -> String {
        if let body = hook.withLock({ hook in
            defer { hook = nil }; return hook
        }) {
            await body()
        }
        return await inner.create(identity: identity)
    }

    func cachedSession(_ id: String) -> Session? { inner.cachedSession(id) }
    func get(_ id: String) async -> Session? { await inner.get(id) }
    func touch(_ id: String) async { await inner.touch(id) }
    func delete(_ id: String) async { await inner.delete(id) }
    func revoke(_ selector: SessionSelector) async -> Int { await inner.revoke(selector) }
    func updateProvisioning(_ selector: SessionSelector, userID: String, groups: [String]) async -> Int {
        await inner.updateProvisioning(selector, userID: userID, groups: groups)
    }
    func list(nameID: String?, issuer: String?) async -> [SessionSummary] { await inner.list(nameID: nameID, issuer: issuer) }
    func count() async -> Int { await inner.count() }
    func purgeExpired() async { await inner.purgeExpired() }
    func savePendingLogin(_ login: PendingLogin) async { await inner.savePendingLogin(login) }
    func takePendingLogin(relayState: String) async -> PendingLogin? { await inner.takePendingLogin(relayState: relayState) }
    func purgeExpiredPendingLogins() async { await inner.purgeExpiredPendingLogins() }
    func savePendingLogout(_ logout: PendingLogout) async { await inner.savePendingLogout(logout) }
    func takePendingLogout(relayState: String) async -> PendingLogout? { await inner.takePendingLogout(relayState: relayState) }
    func purgeExpiredPendingLogouts() async { await inner.purgeExpiredPendingLogouts() }
    func recordAssertion(id: String, issuer: String, until expiry: Date) async -> Bool {
        await inner.recordAssertion(id: id, issuer: issuer, until: expiry)
    }
    func purgeExpiredAssertions() async { await inner.purgeExpiredAssertions() }

    func apply(_ writes: [ProvisioningWrite]) async throws(ProvisioningStoreError) { try await inner.apply(writes) }
    func record(_ kind: ProvisionedKind, id: String, tenant: String) async -> ProvisionedRecord? {
        await inner.record(kind, id: id, tenant: tenant)
    }
    func records(_ kind: ProvisionedKind, tenant: String) async -> [ProvisionedRecord] { await inner.records(kind, tenant: tenant) }
    func records(_ kind: ProvisionedKind, tenant: String, where key: ProvisioningKey) async -> [ProvisionedRecord] {
        await inner.records(kind, tenant: tenant, where: key)
    }
    func groups(withMember userID: String, tenant: String) async -> [ProvisionedRecord] {
        await inner.groups(withMember: userID, tenant: tenant)
    }
    func counts(tenant: String?) async -> ProvisioningCounts { await inner.counts(tenant: tenant) }
}
