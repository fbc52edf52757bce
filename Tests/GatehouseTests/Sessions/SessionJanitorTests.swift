import Foundation
import Gatehouse
import Logging
import Testing

@Suite struct SessionJanitorTests {
    @Test func sweepRemovesExpiredRecordsAndUpdatesTheGauge() async throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_780_000_000))
        let store = MemorySessionStore(timeouts: SessionTimeouts(idle: 60, absolute: 600), clock: clock)
        let metrics = GatehouseMetrics()
        _ = await store.create(identity: SessionIdentity(nameID: "old", issuer: "idp"))
        clock.advance(by: 61)
        _ = await store.create(identity: SessionIdentity(nameID: "new", issuer: "idp"))
        #expect(await store.recordAssertion(id: "_a", issuer: "idp", until: clock.now.addingTimeInterval(-1)))
        let janitor = SessionJanitor(store: store, metrics: metrics, logger: Logger(label: "test"))
        await janitor.sweep()
        #expect(try await store.count() == 1)
        #expect(metrics.render().contains("gatehouse_active_sessions 1"))
    }
}
