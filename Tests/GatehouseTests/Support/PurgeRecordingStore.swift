import Foundation
import Gatehouse

/// A memory store that remembers, by its clock, when it was purged: proof that a janitor ran.
actor PurgeRecordingStore: SessionStorage {
    private let inner: MemorySessionStore
    nonisolated let timeouts: SessionTimeouts
    nonisolated let clock: any WallClock
    /// The clock's time at each ``purgeExpired()``, oldest first.
    private(set) var purges: [Date] = []

    init(timeouts: SessionTimeouts, clock: any WallClock) {
        inner = MemorySessionStore(timeouts: timeouts, clock: clock)
        self.timeouts = timeouts
        self.clock = clock
    }

    func create(identity: SessionIdentity) async -> String { await inner.create(identity: identity) }
    func get(_ id: String) async -> Session? { await inner.get(id) }
    func touch(_ id: String) async { await inner.touch(id) }
    func delete(_ id: String) async { await inner.delete(id) }
    func revoke(_ selector: SessionSelector) async -> Int { await inner.revoke(selector) }
    func list(nameID: String?, issuer: String?) async -> [SessionSummary] { await inner.list(nameID: nameID, issuer: issuer) }
    func count() async -> Int { await inner.count() }
    func savePendingLogin(_ login: PendingLogin) async { await inner.savePendingLogin(login) }
    func takePendingLogin(relayState: String) async -> PendingLogin? { await inner.takePendingLogin(relayState: relayState) }
    func recordAssertion(id: String, issuer: String, until expiry: Date) async -> Bool {
        await inner.recordAssertion(id: id, issuer: issuer, until: expiry)
    }

    func purgeExpiredPendingLogins() async { await inner.purgeExpiredPendingLogins() }
    func purgeExpiredAssertions() async { await inner.purgeExpiredAssertions() }

    func purgeExpired() async {
        await inner.purgeExpired()
        purges.append(clock.now)
    }
}

extension PurgeRecordingStore: ProvisioningStore {
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
