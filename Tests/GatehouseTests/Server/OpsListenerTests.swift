import AsyncHTTPClient
import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOHTTP1
import Testing

/// `listen.ops_port` moves `/metrics`, `/healthz` and `/readyz` to a port of their own, so the
/// protected app's paths of those names are proxied like any other.
@Suite struct OpsListenerTests {
    @Test func opsPathsMoveToTheirOwnPortAndTheAppGetsItsOwn() async throws {
        let opsPort = try await NginxProcess.freePort()
        try await GatewayHarness.run(configure: { config in
            config.listen.opsPort = opsPort
            config.publicPaths = ["/metrics", "/healthz", "/readyz"]
        }) { harness in
            // On the main port these are the app's: the echo upstream answers.
            for path in ["/metrics", "/healthz", "/readyz"] {
                let proxied = try await harness.client.execute(uri: path, method: .get)
                #expect(proxied.status == .ok)
                let echo = try JSONDecoder().decode(EchoUpstream.Echo.self, from: Data(proxied.body.readableBytesView))
                #expect(echo.uri == path)
            }
            // On the ops port, Gatehouse's own answers (the listener may need a moment to bind).
            let client = NoRedirectClient()
            var metrics: NoRedirectClient.Answer?
            for _ in 0..<50 {
                metrics = try? await client.get("http://127.0.0.1:\(opsPort)/metrics")
                if metrics != nil { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let page = try #require(metrics)
            #expect(page.status == .ok)
            #expect(String(decoding: page.body, as: UTF8.self).contains("gatehouse_"))
            #expect(try await client.get("http://127.0.0.1:\(opsPort)/healthz").body == Data("ok\n".utf8))
            #expect(try await client.get("http://127.0.0.1:\(opsPort)/readyz").status == .ok)
            // The ops port serves nothing else: no login, no proxying.
            #expect(try await client.get("http://127.0.0.1:\(opsPort)/saml/login").status == .notFound)
            #expect(try await client.get("http://127.0.0.1:\(opsPort)/public/a").status == .notFound)
            try await client.http.shutdown()
        }
    }

    @Test func withoutAnOpsPortTheMainPortAnswersThemItself() async throws {
        try await GatewayHarness.run(configure: { $0.publicPaths = ["/metrics"] }) { harness in
            let metrics = try await harness.client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            #expect(String(buffer: metrics.body).contains("gatehouse_"))
        }
    }
}
