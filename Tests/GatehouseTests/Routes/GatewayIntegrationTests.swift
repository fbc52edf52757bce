import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct GatewayIntegrationTests {
    @Test func browserLoginLandsOnTheOriginalPathWithQuery() async throws {
        try await GatewayHarness.run { harness in
            let first = try await harness.client.execute(uri: "/docs/a?page=2&q=x", method: .get, headers: GatewayHarness.html)
            #expect(first.status == .found)
            #expect(first.headers[.location] == "/saml/login?rd=/docs/a%3Fpage%3D2%26q%3Dx")
            let session = try await harness.login(path: "/docs/a?page=2&q=x")
            let (echo, response) = try await harness.echo("/docs/a?page=2&q=x", session: session)
            #expect(response.status == .ok)
            #expect(echo?.uri == "/docs/a?page=2&q=x")
            #expect(echo?.values("X-Forwarded-User") == ["alice@test.example"])
            #expect(echo?.values("X-Forwarded-Email") == ["alice@test.example"])
            #expect(echo?.values("X-Forwarded-Groups") == ["staff"])
        }
    }

    @Test func cookiesCarryTheRightAttributes() async throws {
        try await GatewayHarness.run(configure: { $0.cookie.secure = true }) { harness in
            let start = try await harness.client.execute(uri: "/saml/login?rd=/x", method: .get)
            let pending = try #require(start.headers[values: .setCookie].first)
            #expect(pending.contains("SameSite=None") && pending.contains("Secure") && pending.contains("HttpOnly"))
            #expect(pending.contains("Path=/saml"))
            let session = try await harness.login(path: "/x")
            #expect(SessionID.isWellFormed(session))
        }
    }

    static let spoofs = [
        "X-Forwarded-User", "x-forwarded-user", "X_Forwarded_User", "x_forwarded_user", "X-FORWARDED-USER",
        "X_FORWARDED_USER", "X-Forwarded_User", "x_Forwarded-USER",
    ]

    @Test func spoofedIdentityHeadersNeverReachTheUpstream() async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            var headers = HTTPFields()
            for name in Self.spoofs { headers.append(HTTPField(name: HTTPField.Name(name)!, value: "mallory")) }
            headers.append(HTTPField(name: HTTPField.Name("x_forwarded_groups")!, value: "admins"))
            headers.append(HTTPField(name: HTTPField.Name("X-Forwarded-Email")!, value: "mallory@evil"))
            let (signedIn, _) = try await harness.echo("/docs", session: session, headers: headers)
            #expect(signedIn?.values("X-Forwarded-User") == ["alice@test.example"])
            #expect(signedIn?.values("X-Forwarded-Groups") == ["staff"])
            #expect(signedIn?.values("X-Forwarded-Email") == ["alice@test.example"])
            let (anonymous, _) = try await harness.echo("/public/page", session: nil, headers: headers)
            #expect(anonymous?.values("X-Forwarded-User") == [])
            #expect(anonymous?.values("X-Forwarded-Groups") == [])
            #expect(anonymous?.values("X-Forwarded-Email") == [])
            #expect(anonymous?.headers.contains { $0[1].contains("mallory") } == false)
        }
    }

    @Test func upstreamNeverSeesTheSessionCookieOrHopByHopHeaders() async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            let headers: HTTPFields = [
                .cookie: "app=1", HTTPField.Name("X-Private")!: "secret", HTTPField.Name("Proxy-Authorization")!: "x",
                HTTPField.Name("Keep-Alive")!: "timeout=5", .te: "trailers",
            ]
            // The test client always sends its own Connection header, so headers that
            // Connection nominates are covered by ProxyTests.hopByHopHeadersIncludeThoseConnectionNames.
            let (echo, _) = try await harness.echo("/docs", session: session, headers: headers)
            let cookies = echo?.values("Cookie").joined(separator: ";") ?? ""
            #expect(cookies.contains("app=1"))
            #expect(!cookies.contains(session))
            #expect(echo?.values("X-Private") == ["secret"])
            #expect(echo?.values("Proxy-Authorization") == [])
            #expect(echo?.values("Keep-Alive") == [])
            #expect(echo?.values("TE") == [])
        }
    }

    @Test func forwardingHeadersComeFromWhatTheGatewaySaw() async throws {
        try await GatewayHarness.run { harness in
            let spoofed: HTTPFields = [
                HTTPField.Name("X-Forwarded-For")!: "1.2.3.4", HTTPField.Name("X_Forwarded_Proto")!: "https",
                HTTPField.Name("X-Forwarded-Host")!: "evil.example",
            ]
            let (echo, _) = try await harness.echo("/public/x", session: nil, headers: spoofed)
            #expect(echo?.values("X-Forwarded-For") == ["127.0.0.1"])
            #expect(echo?.values("X-Forwarded-Proto") == ["http"])
            #expect(echo?.values("X-Forwarded-Host") == ["localhost"])
        }
        try await GatewayHarness.run(configure: { $0.trustedProxies = ["127.0.0.0/8"] }) { harness in
            let spoofed: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "1.2.3.4", HTTPField.Name("X-Forwarded-Proto")!: "https"]
            let (echo, _) = try await harness.echo("/public/x", session: nil, headers: spoofed)
            #expect(echo?.values("X-Forwarded-For") == ["1.2.3.4, 127.0.0.1"])
            #expect(echo?.values("X-Forwarded-Proto") == ["https"])
        }
    }

    @Test func nonBrowserWithoutSessionGets401JSON() async throws {
        try await GatewayHarness.run { harness in
            let response = try await harness.client.execute(uri: "/api/items", method: .get, headers: [.accept: "application/json"])
            #expect(response.status == .unauthorized)
            #expect(response.headers[.contentType] == "application/json")
            #expect(String(buffer: response.body).contains("\"error\":\"unauthenticated\""))
            let post = try await harness.client.execute(uri: "/form", method: .post, headers: GatewayHarness.html)
            #expect(post.status == .unauthorized)
        }
    }

    @Test func missingGroupGives403PageNamingIt() async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            let (_, response) = try await harness.echo("/admin/users", session: session, headers: GatewayHarness.html)
            #expect(response.status == .forbidden)
            let page = String(buffer: response.body)
            #expect(page.contains("membership in one of the groups: admins"))
            #expect(page.contains("Reference:"))
            let admin = try await harness.login("root@test.example", attributes: ["groups": ["admins"]], path: "/admin/users")
            let (echo, allowed) = try await harness.echo("/admin/users", session: admin)
            #expect(allowed.status == .ok)
            #expect(echo?.values("X-Forwarded-Groups") == ["admins"])
        }
    }

    @Test func logoutEndsTheSession() async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            let headers: HTTPFields = [.cookie: "\(harness.config.cookie.name)=\(session)", .origin: "http://localhost"]
            let out = try await harness.client.execute(uri: "/saml/logout", method: .post, headers: headers)
            #expect(out.status == .ok)
            #expect(String(buffer: out.body).contains("You are signed out"))
            #expect(out.headers[values: .setCookie].contains { $0.contains("Max-Age=0") })
            let (_, after) = try await harness.echo("/docs", session: session)
            #expect(after.status == .unauthorized)
        }
    }

    @Test func forwardAuthAnswers200With401OrRedirect() async throws {
        try await GatewayHarness.run { harness in
            let anonymous = try await harness.client.execute(uri: "/saml/auth", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[HTTPField.Name("X-Gatehouse-Login")!] == "http://localhost/saml/login?rd=/")
            let original: HTTPFields = [HTTPField.Name("X-Original-URI")!: "/docs/a?page=2&q=x"]
            let kept = try await harness.client.execute(uri: "/saml/auth", method: .get, headers: original)
            #expect(kept.status == .unauthorized)
            #expect(
                kept.headers[HTTPField.Name("X-Gatehouse-Login")!] == "http://localhost/saml/login?rd=/docs/a%3Fpage%3D2%26q%3Dx")
            let redirect = try await harness.client.execute(uri: "/saml/auth?rd=http://localhost/app?x=1", method: .get)
            #expect(redirect.status == .found)
            #expect(redirect.headers[.location] == "http://localhost/saml/login?rd=/app%3Fx%3D1")
            let session = try await harness.login()
            let cookie: HTTPFields = [.cookie: "\(harness.config.cookie.name)=\(session)"]
            let ok = try await harness.client.execute(uri: "/saml/auth", method: .get, headers: cookie)
            #expect(ok.status == .ok)
            #expect(ok.headers[HTTPField.Name("X-Forwarded-User")!] == "alice@test.example")
            var adminURI = cookie
            adminURI[HTTPField.Name("X-Original-URI")!] = "/admin/x"
            let denied = try await harness.client.execute(uri: "/saml/auth", method: .get, headers: adminURI)
            #expect(denied.status == .forbidden)
        }
    }

    @Test func whoamiShowsTheIdentity() async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            let (_, response) = try await harness.echo("/saml/whoami", session: session)
            #expect(response.status == .ok)
            let body = String(buffer: response.body)
            #expect(body.contains("\"nameID\":\"alice@test.example\""))
            let anonymous = try await harness.client.execute(uri: "/saml/whoami", method: .get)
            #expect(anonymous.status == .unauthorized)
        }
    }
}
