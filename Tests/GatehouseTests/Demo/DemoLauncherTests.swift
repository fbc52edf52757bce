import Gatehouse
import Testing

@Suite struct DemoLauncherTests {
    /// `demo --app-port` once started the demo app elsewhere while the gateway kept
    /// forwarding to 8081.
    @Test func appPortMovesTheUpstreamToo() {
        var configured = UpstreamSettings(url: "http://127.0.0.1:8081", prefix: "/")
        configured.readTimeout = .init(seconds: 5)
        let moved = DemoLauncher.upstreams([configured], appPort: 9091)
        #expect(moved.map(\.url) == ["http://127.0.0.1:9091"])
        #expect(moved.first?.readTimeout == .init(seconds: 5))
        #expect(DemoLauncher.upstreams([], appPort: 9092).map(\.url) == ["http://127.0.0.1:9092"])
    }
}
