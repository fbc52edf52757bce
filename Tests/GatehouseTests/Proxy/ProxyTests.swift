import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ProxyTests {
    @Test func requestBodyAndUpstreamRedirectPassThrough() async throws {
        try await GatewayHarness.run { harness in
            let body = ByteBuffer(repeating: 0x42, count: 300_000)
            let upload = try await harness.client.execute(
                uri: "/public/upload", method: .post, headers: [.contentType: "application/octet-stream"], body: body)
            let echo = try JSONDecoder().decode(EchoUpstream.Echo.self, from: Data(upload.body.readableBytesView))
            #expect(echo.bodyBytes == 300_000)
            #expect(echo.method == "POST")
            let redirect = try await harness.client.execute(uri: "/public/redirect", method: .get)
            #expect(redirect.status == .found)
            #expect(redirect.headers[.location] == "/elsewhere")
            let download = try await harness.client.execute(uri: "/public/../download/1000000", method: .get)
            #expect(download.status != .ok)  // traversal out of /public is not public
            let session = try await harness.login()
            let (_, big) = try await harness.echo("/download/1000000", session: session)
            #expect(big.status == .ok)
            #expect(big.body.readableBytes == 1_000_000)
        }
    }

    @Test func deadUpstreamGivesStyled502() async throws {
        try await GatewayHarness.run(configure: { $0.upstreams = [.init(url: "http://127.0.0.1:1")] }) { harness in
            let response = try await harness.client.execute(uri: "/public/x", method: .get)
            #expect(response.status == .badGateway)
            let page = String(buffer: response.body)
            #expect(page.contains("could not be reached"))
            #expect(page.contains("Reference:"))
        }
    }

    @Test func upstreamsAreChosenByLongestPrefix() {
        let upstreams = [
            UpstreamSettings(url: "http://app:1", prefix: "/"),
            {
                var api = UpstreamSettings(url: "http://api:2/base/", prefix: "/api"); api.stripPrefix = true; return api
            }(),
        ]
        #expect(
            UpstreamTarget.choose(for: "/x?y=1", upstreams: upstreams)
                == UpstreamTarget(index: 0, url: "http://app:1/x?y=1", pathAndQuery: "/x?y=1"))
        #expect(
            UpstreamTarget.choose(for: "/api/v1?q", upstreams: upstreams)
                == UpstreamTarget(index: 1, url: "http://api:2/base/v1?q", pathAndQuery: "/v1?q"))
        #expect(UpstreamTarget.choose(for: "/apix", upstreams: upstreams)?.index == 0)
    }

    @Test func hopByHopHeadersIncludeThoseConnectionNames() {
        let fields: HTTPFields = [
            .connection: "close, X-Hop", HTTPField.Name("X-Hop")!: "1", HTTPField.Name("X-Keep")!: "2",
            .transferEncoding: "chunked", HTTPField.Name("Proxy-Connection")!: "keep-alive", .upgrade: "websocket",
        ]
        #expect(HopByHopHeaders.remove(from: fields).map(\.name.canonicalName) == ["x-keep"])
    }
}
