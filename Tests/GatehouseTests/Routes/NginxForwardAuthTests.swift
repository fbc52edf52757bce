import AsyncHTTPClient
import Foundation
import Gatehouse
import HTTPTypes
import HummingbirdTesting
import NIOHTTP1
import Testing

/// Issue 4's must-show: a real nginx with `auth_request` in front of the echo upstream, with
/// Gatehouse as its forward-auth service, both on loopback.
@Suite(.serialized) struct NginxForwardAuthTests {
    static let spoofedNames = [
        "X-Forwarded-User", "x-forwarded-user", "X_Forwarded_User", "X-FORWARDED-USER", "X-Forwarded_User",
        "X-Forwarded-Email", "x_forwarded_email", "X-Forwarded-Groups", "x_forwarded_groups",
        "X-Forwarded-Preferred-Username", "X_FORWARDED_PREFERRED_USERNAME",
    ]

    @Test func browserSignsInThroughNginxAndTheUpstreamSeesTheIdentityHeaders() async throws {
        try await Self.withNginx { harness, nginx, client in
            let base = "http://127.0.0.1:\(nginx.port)"
            let first = try await client.get(base + "/docs/a?page=2&q=x", headers: ["Accept": "text/html"])
            #expect(first.status == .found)
            let loginURL = try #require(first.headers.first(name: "Location"))
            let login = try #require(URLComponents(string: loginURL))
            #expect(login.path == "/saml/login")
            #expect(login.queryItems?.first { $0.name == "rd" }?.value == "/docs/a?page=2&q=x")

            // The login endpoint itself is reachable through nginx and sends the browser on to the IdP.
            let start = try await client.get(loginURL, headers: ["Accept": "text/html"])
            #expect(start.status == .found)
            let idpURL = try #require(start.headers.first(name: "Location").flatMap { URLComponents(string: $0) })
            let relayState = try #require(idpURL.queryItems?.first { $0.name == "RelayState" }?.value)
            let requestID = try #require(idpURL.queryItems?.first { $0.name == "req" }?.value)
            let binding = try #require(Self.cookie(harness.config.cookie.pendingLoginName, in: start.headers))

            let response = FakeLoginService.FakeResponse(
                nameID: "alice@test.example", inResponseTo: requestID,
                attributes: ["groups": ["staff", "dev"], "email": ["alice@test.example"]])
            let form =
                "SAMLResponse=" + GatewayHarness.formEncode(response.encoded()) + "&RelayState="
                + GatewayHarness.formEncode(relayState)
            let done = try await client.post(
                base + "/saml/acs", form: form,
                headers: ["Cookie": "\(harness.config.cookie.pendingLoginName)=\(binding)"])
            #expect(done.status == .seeOther)
            #expect(done.headers.first(name: "Location") == "/docs/a?page=2&q=x")
            let session = try #require(Self.cookie(harness.config.cookie.name, in: done.headers))

            let through = try await client.get(
                base + "/docs/a?page=2&q=x", headers: ["Cookie": "\(harness.config.cookie.name)=\(session)"])
            #expect(through.status == .ok)
            let echo = try #require(try? JSONDecoder().decode(EchoUpstream.Echo.self, from: through.body))
            #expect(echo.uri == "/docs/a?page=2&q=x")
            #expect(echo.values("X-Forwarded-User") == ["alice@test.example"])
            #expect(echo.values("X-Forwarded-Email") == ["alice@test.example"])
            #expect(echo.values("X-Forwarded-Groups") == ["staff,dev"])
        }
    }

    @Test func requestWithoutAValidSessionIsSentToLoginWithTheOriginalURL() async throws {
        try await Self.withNginx { harness, nginx, client in
            let base = "http://127.0.0.1:\(nginx.port)"
            for cookie in [nil, "\(harness.config.cookie.name)=not-a-session"] {
                var headers: HTTPHeaders = ["Accept": "text/html"]
                if let cookie { headers.add(name: "Cookie", value: cookie) }
                for spoofed in Self.spoofedNames { headers.add(name: spoofed, value: "mallory") }
                let answer = try await client.get(base + "/reports/q3?year=2026&format=csv", headers: headers)
                #expect(answer.status == .found)
                let location = try #require(answer.headers.first(name: "Location").flatMap { URLComponents(string: $0) })
                #expect(location.host == "127.0.0.1" && location.port == nginx.port)
                #expect(location.path == "/saml/login")
                #expect(location.queryItems?.first { $0.name == "rd" }?.value == "/reports/q3?year=2026&format=csv")
                // The redirect comes from nginx, not from the upstream (whose answers are JSON).
                #expect((try? JSONDecoder().decode(EchoUpstream.Echo.self, from: answer.body)) == nil)
            }
        }
    }

    @Test func spoofedIdentityHeadersNeverReachTheUpstream() async throws {
        try await Self.withNginx { harness, nginx, client in
            // alice has no preferred user name, so that header must arrive absent, not spoofed.
            let session = try await harness.login()
            var headers: HTTPHeaders = ["Cookie": "\(harness.config.cookie.name)=\(session)"]
            for spoofed in Self.spoofedNames { headers.add(name: spoofed, value: "mallory") }
            let answer = try await client.get("http://127.0.0.1:\(nginx.port)/docs", headers: headers)
            #expect(answer.status == .ok)
            let echo = try #require(try? JSONDecoder().decode(EchoUpstream.Echo.self, from: answer.body))
            #expect(echo.values("X-Forwarded-User") == ["alice@test.example"])
            #expect(echo.values("X-Forwarded-Email") == ["alice@test.example"])
            #expect(echo.values("X-Forwarded-Groups") == ["staff"])
            #expect(echo.values("X-Forwarded-Preferred-Username") == [])
            #expect(!echo.headers.contains { $0[1].contains("mallory") }, "spoofed headers reached the upstream: \(echo.headers)")
        }
    }

    /// Runs Gatehouse (in process, fake LoginService) and the echo upstream on loopback, nginx
    /// in front of both, and a client that does not follow redirects. nginx stops on every path.
    static func withNginx(
        _ body: @escaping @Sendable (GatewayHarness, NginxProcess, NoRedirectClient) async throws -> Void
    ) async throws {
        _ = try NginxProcess.binary()
        let port = try await NginxProcess.freePort()
        try await GatewayHarness.run(configure: { $0.externalURL = "http://127.0.0.1:\(port)" }) { harness in
            let gatewayPort = try #require(harness.client.port)
            let upstream = try #require(harness.config.upstreams.first?.url)
            let nginx = try await NginxProcess.start(port: port) { _ in
                serverBlock(port: port, gateway: "http://127.0.0.1:\(gatewayPort)", upstream: upstream)
            }
            let client = NoRedirectClient()
            do {
                try await body(harness, nginx, client)
            } catch {
                try? await client.http.shutdown()
                nginx.stop()
                throw error
            }
            try await client.http.shutdown()
            nginx.stop()
        }
    }

    /// The nginx recipe from the README: Gatehouse's endpoints proxied as they are, everything
    /// else behind `auth_request`, identity headers copied from the auth answer, and a 401 sent
    /// to the login URL Gatehouse put in `X-Gatehouse-Login` (nginx cannot percent-encode `rd`).
    static func serverBlock(port: Int, gateway: String, upstream: String) -> String {
        """
            server {
                listen 127.0.0.1:\(port);
                location /saml/ {
                    proxy_pass \(gateway);
                    proxy_set_header Host $http_host;
                }
                location = /saml/auth {
                    proxy_pass \(gateway);
                    proxy_pass_request_body off;
                    proxy_set_header Content-Length "";
                    proxy_set_header Host $http_host;
                    proxy_set_header X-Original-URI $request_uri;
                }
                location / {
                    auth_request /saml/auth;
                    auth_request_set $gatehouse_user $upstream_http_x_forwarded_user;
                    auth_request_set $gatehouse_email $upstream_http_x_forwarded_email;
                    auth_request_set $gatehouse_groups $upstream_http_x_forwarded_groups;
                    auth_request_set $gatehouse_username $upstream_http_x_forwarded_preferred_username;
                    auth_request_set $gatehouse_login $upstream_http_x_gatehouse_login;
                    proxy_set_header X-Forwarded-User $gatehouse_user;
                    proxy_set_header X-Forwarded-Email $gatehouse_email;
                    proxy_set_header X-Forwarded-Groups $gatehouse_groups;
                    proxy_set_header X-Forwarded-Preferred-Username $gatehouse_username;
                    error_page 401 = @login;
                    proxy_pass \(upstream);
                }
                location @login {
                    return 302 $gatehouse_login;
                }
            }
        """
    }

    static func cookie(_ name: String, in headers: HTTPHeaders) -> String? {
        for value in headers["Set-Cookie"] where value.hasPrefix(name + "=") {
            let cookieValue = String(value.split(separator: ";")[0].dropFirst(name.count + 1))
            if !cookieValue.isEmpty { return cookieValue }
        }
        return nil
    }
}
