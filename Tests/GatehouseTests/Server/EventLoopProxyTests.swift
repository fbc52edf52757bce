import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The event-loop route (plain forwards whose session is in memory) and its hand-over to the
/// responder for everything else. The other gateway suites run through the same route; these
/// cover what only it does: pooled upstream connections, their retry, its read timeout,
/// framing, pipelining order, and which requests it must leave to the responder.
@Suite struct EventLoopProxyTests {
    static func forwards(_ harness: GatewayHarness) -> Int {
        let line = harness.gateway.metrics.render().split(separator: "\n").first { $0.hasPrefix("gatehouse_event_loop_forwards_total ") }
        return line.flatMap { Int(Double($0.split(separator: " ").last ?? "") ?? -1) } ?? 0
    }

    static let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    @Test func plainForwardsTakeTheEventLoopRouteAndRefusalsDoNot() async throws {
        try await GatewayHarness.run { harness in
            let anonymous = try await harness.client.execute(uri: "/docs/a", method: .get, headers: GatewayHarness.html)
            #expect(anonymous.status == .found)
            #expect(Self.forwards(harness) == 0)
            let session = try await harness.login()
            let before = Self.forwards(harness)
            let (echo, response) = try await harness.echo(
                "/docs/a?x=1", session: session, headers: [HTTPField.Name("X-Forwarded-User")!: "mallory"])
            #expect(response.status == .ok)
            #expect(response.headers[.server] == "Gatehouse")
            #expect(echo?.uri == "/docs/a?x=1")
            #expect(echo?.values("X-Forwarded-User") == ["alice@test.example"])
            #expect(echo?.values("Cookie") == [])
            #expect(Self.forwards(harness) == before + 1)
            let (_, denied) = try await harness.echo("/admin/x", session: session, headers: GatewayHarness.html)
            #expect(denied.status == .forbidden)
            #expect(String(buffer: denied.body).contains("admins"))
            #expect(Self.forwards(harness) == before + 1)
            let (publicEcho, _) = try await harness.echo("/public/p", session: nil)
            #expect(publicEcho?.values("X-Forwarded-User") == [])
            #expect(Self.forwards(harness) == before + 2)
        }
    }

    /// A session cookie preceded by any whitespace Hummingbird skips (here a no-break space)
    /// is read as the session, so it must never reach the upstream either.
    @Test func sessionCookieAfterUnicodeWhitespaceIsNotForwarded() async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            let (echo, response) = try await harness.echo(
                "/docs/c", session: nil, headers: [.cookie: "app=1;\u{00A0}\(harness.config.cookie.name)=\(session)"])
            #expect(response.status == .ok)
            #expect(echo?.values("X-Forwarded-User") == ["alice@test.example"])
            let cookies = echo?.values("Cookie").joined(separator: ";") ?? ""
            #expect(cookies.contains("app=1"))
            #expect(!cookies.contains(session))
        }
    }

    /// Identity headers are cached per session under one configuration; a reload that
    /// changes the header rules must show on the session's next request.
    @Test func reloadedHeaderRulesApplyToCachedSessions() async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            let (before, _) = try await harness.echo("/docs/r", session: session)
            #expect(before?.values("X-Forwarded-User") == ["alice@test.example"])
            var config = harness.config
            config.identityHeaders.rules = [HeaderRule(header: "X-Who", fromNameID: true)]
            harness.gateway.reload(config: config, loginService: FakeLoginService())
            let (after, _) = try await harness.echo("/docs/r", session: session)
            #expect(after?.values("X-Who") == ["alice@test.example"])
            #expect(after?.values("X-Forwarded-User") == [])
            #expect(Self.forwards(harness) == 2)
        }
    }

    /// A session only the database knows is asked of the store first, then forwarded by the
    /// same exchange as any other request.
    @Test func sessionOnlyInTheDatabaseIsLookedUpThenForwarded() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-el-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteSessionStore(path: path)
        try await GatewayHarness.run(store: store) { harness in
            let session = try await harness.login()
            let (echo, response) = try await harness.echo(
                "/docs/b", session: session, headers: [HTTPField.Name("X_Forwarded_User")!: "mallory", .te: "trailers"])
            #expect(response.status == .ok)
            #expect(echo?.values("X-Forwarded-User") == ["alice@test.example"])
            #expect(echo?.values("TE") == [])
            #expect(echo?.values("Cookie") == [])
            #expect(Self.forwards(harness) == 1)
        }
    }

    /// An upstream may close a kept-alive connection just as a request goes out on it; a
    /// request without a body is then sent again on a new connection.
    @Test func keptAliveConnectionClosedByTheUpstreamIsRetried() async throws {
        let upstream = try await ScriptedUpstream.start { index, _ in index == 0 ? .respond(Self.ok) : .close }
        try await GatewayHarness.run(configure: { $0.upstreams = [.init(url: "http://127.0.0.1:\(upstream.port)")] }) { harness in
            for _ in 0..<3 {
                let response = try await harness.client.execute(uri: "/public/r", method: .get)
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok")
            }
            #expect(upstream.connections == 3)
            // A request with a body is never sent twice: the client gets the 502.
            let post = try await harness.client.execute(uri: "/public/p", method: .post, body: ByteBuffer(string: "payload"))
            #expect(post.status == .badGateway)
        }
        await upstream.stop()
    }

    @Test func silentUpstreamGives504AfterTheReadTimeout() async throws {
        let upstream = try await ScriptedUpstream.start { _, _ in .silence }
        try await GatewayHarness.run(configure: { config in
            var settings = UpstreamSettings(url: "http://127.0.0.1:\(upstream.port)")
            settings.readTimeout = .init(seconds: 1)
            config.upstreams = [settings]
        }) { harness in
            let response = try await harness.client.execute(uri: "/public/slow", method: .get)
            #expect(response.status == .gatewayTimeout)
            #expect(String(buffer: response.body).contains("Reference:"))
            #expect(Self.forwards(harness) == 1)
        }
        await upstream.stop()
    }

    /// An upstream that stops taking the request body is timed out like one that stops
    /// answering: 504, and the client connection closes (its body was not all read).
    @Test func upstreamThatStopsReadingAnUploadGives504() async throws {
        let stuck = try await ScriptedUpstream.startNotReading()
        let port = try #require(stuck.localAddress?.port)
        try await GatewayHarness.run(configure: { config in
            var settings = UpstreamSettings(url: "http://127.0.0.1:\(port)")
            settings.readTimeout = .init(seconds: 1)
            config.upstreams = [settings]
        }) { harness in
            let gateway = try #require(harness.client.port)
            // 64 MiB announced and written from one shared 1 MiB buffer: far more than the
            // socket buffers between here and the stuck upstream can take, at no memory cost
            // to this process (the streaming suite measures its RSS while this runs).
            let chunk = ByteBuffer(repeating: 0x78, count: 1024 * 1024)
            let head = "POST /public/upload HTTP/1.1\r\nHost: 127.0.0.1:\(gateway)\r\nContent-Length: \(64 * chunk.readableBytes)\r\n\r\n"
            let started = ContinuousClock.now
            let text = try await RawHTTPClient.exchange(port: gateway, head: head, chunk: chunk, count: 64, earlyAnswer: true)
            #expect(text.hasPrefix("HTTP/1.1 504"))
            #expect(text.lowercased().contains("connection: close"))
            #expect(ContinuousClock.now - started < .seconds(9))
        }
        try? await stuck.close()
    }

    /// A response framed by closing the connection reaches the client framed as chunks.
    @Test func responseWithoutLengthIsReframed() async throws {
        let upstream = try await ScriptedUpstream.start { _, _ in
            .respondAndClose("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello, world")
        }
        try await GatewayHarness.run(configure: { $0.upstreams = [.init(url: "http://127.0.0.1:\(upstream.port)")] }) { harness in
            for _ in 0..<2 {
                let response = try await harness.client.execute(uri: "/public/stream", method: .get)
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "hello, world")
            }
        }
        await upstream.stop()
    }

    /// Pipelined requests on one connection, alternating between the two routes, are
    /// answered in order (once the responder owes a response, later requests go to it too).
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await GatewayHarness.run { harness in
            let port = try #require(harness.client.port)
            let host = "Host: 127.0.0.1:\(port)\r\n"
            let text = try await RawHTTPClient.exchange(
                port: port,
                bytes: "GET /public/one HTTP/1.1\r\n\(host)\r\n"
                    + "GET /healthz HTTP/1.1\r\n\(host)\r\n"
                    + "HEAD /public/two HTTP/1.1\r\n\(host)\r\n"
                    + "GET /public/three HTTP/1.1\r\n\(host)Connection: close\r\n\r\n"
            ).replacingOccurrences(of: "\\/", with: "/")
            let one = try #require(text.range(of: "\"/public/one\""))
            let health = try #require(text.range(of: "\r\n\r\nok\n"))
            let three = try #require(text.range(of: "\"/public/three\""))
            #expect(one.lowerBound < health.lowerBound)
            #expect(health.lowerBound < three.lowerBound)
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count - 1 == 4)
            #expect(!text.contains("/public/two\""))
        }
    }

    /// HEAD leaves the connection usable, headers named by `Connection` stay behind, and
    /// `Connection: close` is answered in kind and honoured.
    @Test func headAndConnectionHeadersOnTheEventLoopRoute() async throws {
        try await GatewayHarness.run { harness in
            let port = try #require(harness.client.port)
            let host = "Host: 127.0.0.1:\(port)\r\n"
            let text = try await RawHTTPClient.exchange(
                port: port,
                bytes: "HEAD /public/two HTTP/1.1\r\n\(host)\r\n"
                    + "GET /public/three HTTP/1.1\r\n\(host)Connection: close, X-Hop\r\nX-Hop: 1\r\nX-Kept: 2\r\n\r\n"
            ).replacingOccurrences(of: "\\/", with: "/")
            #expect(Self.forwards(harness) == 2)
            let responses = text.components(separatedBy: "HTTP/1.1 200 OK").dropFirst()
            #expect(responses.count == 2)
            #expect(!text.contains("/public/two"))
            let last = (responses.last ?? "").lowercased()
            #expect(last.contains("connection: close"))
            #expect(last.contains("/public/three"))
            #expect(last.contains("x-kept"))
            #expect(!last.contains("x-hop"))
        }
    }
}

/// Both proxy routes read the session cookie with ``Gateway/cookie(_:in:)``; it must find what
/// Hummingbird's `Cookies` finds (which the login and logout routes use).
@Suite struct SessionCookieTests {
    @Test func readsCookiesAsHummingbirdDoes() {
        let headerSets: [[String]] = [
            ["gatehouse_session=abc"], ["a=1; gatehouse_session=abc; b=2"], ["a=1;gatehouse_session=abc"],
            ["  gatehouse_session=abc"], ["gatehouse_session=a=b"], ["gatehouse_session="], ["gatehouse_session"],
            ["xgatehouse_session=1; gatehouse_session=2"], ["gatehouse_session =1"], ["a=1", "gatehouse_session=two"],
            ["gatehouse_session=first; gatehouse_session=second"], [";;gatehouse_session=x;;"], ["\tgatehouse_session=tab"],
            [""], [],
        ]
        for values in headerSets {
            var fields = HTTPFields()
            for value in values { fields.append(HTTPField(name: .cookie, value: value)) }
            let ours = Gateway.cookie("gatehouse_session", in: fields)
            let theirs = Cookies(from: values)["gatehouse_session"]?.value
            #expect(ours == theirs, "\(values)")
        }
    }
}
