import AsyncHTTPClient
import Foundation
import Gatehouse
import Logging
import NIOHTTP1
import Testing

/// The janitor runs inside `GatehouseServer.serve`, beside the HTTP server, not only when called.
@Suite struct SessionJanitorServiceTests {
    @Test func serverPurgesExpiredSessionsWhileItRuns() async throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_780_000_000))
        let store = PurgeRecordingStore(timeouts: SessionTimeouts(idle: 60, absolute: 600), clock: clock)
        var config = GatehouseConfig(externalURL: "http://localhost", upstreams: [.init(url: "http://127.0.0.1:9")])
        config.listen = ListenSettings(address: "127.0.0.1", port: 0)
        config.cookie.secure = false
        let gateway = Gateway(config: config, store: store, loginService: FakeLoginService(), clock: clock)
        let logger = {
            var logger = Logger(label: "gatehouse-test")
            logger.logLevel = .critical
            return logger
        }()
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let client = NoRedirectClient()
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await GatehouseServer.serve(gateway: gateway, logger: logger, janitorInterval: .milliseconds(20)) { port in
                    portSink.yield(port)
                }
            }
            defer { group.cancelAll() }
            do {
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let session = await store.create(identity: SessionIdentity(nameID: "alice@test.example", issuer: "idp"))
                let whoami = "http://127.0.0.1:\(port)/saml/whoami"
                let cookie: HTTPHeaders = ["Cookie": "\(config.cookie.name)=\(session)"]
                #expect(try await client.get(whoami, headers: cookie).status == .ok)
                // The janitor's sweep sets the gauge; no request to /metrics is made, which would set it too.
                try await Self.eventually { gateway.metrics.render().contains("gatehouse_active_sessions 1") }

                clock.advance(by: 61)
                let expiredAt = clock.now
                try await Self.eventually { await store.purges.contains { $0 >= expiredAt } }
                try await Self.eventually { gateway.metrics.render().contains("gatehouse_active_sessions 0") }
                #expect(await store.purges.count >= 2, "the janitor sweeps repeatedly, not once")
                #expect(try await client.get(whoami, headers: cookie).status == .unauthorized)
            } catch {
                Issue.record(error)
            }
        }
        try await client.http.shutdown()
    }

    /// Polls `condition` every 10 ms for up to 5 s of real time.
    static func eventually(_ condition: @Sendable () async -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for _ in 0..<500 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not met within 5 s", sourceLocation: sourceLocation)
    }
}
