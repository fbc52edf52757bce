import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Signing out takes a same-origin POST; a GET only offers the button.
@Suite struct LogoutRouteTests {
    /// POSTs to the logout URL with the session cookie and `headers`.
    func postLogout(_ harness: GatewayHarness, session: String, headers extra: HTTPFields) async throws -> TestResponse {
        var headers: HTTPFields = [.cookie: "\(harness.config.cookie.name)=\(session)"]
        headers.append(contentsOf: extra)
        return try await harness.client.execute(uri: "/saml/logout", method: .post, headers: headers)
    }

    func sessionIsAlive(_ harness: GatewayHarness, _ session: String) async throws -> Bool {
        let (_, response) = try await harness.echo("/docs", session: session)
        return response.status == .ok
    }

    func endsSession(_ response: TestResponse, _ harness: GatewayHarness) -> Bool {
        response.headers[values: .setCookie].contains { $0.hasPrefix(harness.config.cookie.name + "=") && $0.contains("Max-Age=0") }
    }

    @Test func getShowsASignOutFormAndKeepsTheSession() async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            let cookie: HTTPFields = [.cookie: "\(harness.config.cookie.name)=\(session)"]
            let page = try await harness.client.execute(uri: "/saml/logout", method: .get, headers: cookie)
            #expect(page.status == .ok)
            let body = String(buffer: page.body)
            #expect(body.contains(#"<form method="post" action="/saml/logout">"#))
            #expect(body.contains(#"<button type="submit">Sign out</button>"#))
            #expect(!body.contains("You are signed out"))
            #expect(page.headers[.contentSecurityPolicy] == "frame-ancestors 'none'")
            #expect(!endsSession(page, harness))
            #expect(try await sessionIsAlive(harness, session))
        }
    }

    @Test func sameOriginPostEndsTheSession() async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            let out = try await postLogout(harness, session: session, headers: [.origin: "http://localhost"])
            #expect(out.status == .ok)
            #expect(String(buffer: out.body).contains("You are signed out"))
            #expect(endsSession(out, harness))
            #expect(try await !sessionIsAlive(harness, session))
        }
    }

    @Test(arguments: [
        "https://evil.example", "null", "http://localhost:8080", "https://localhost", "http://localhost.evil.example",
    ])
    func crossOriginPostIsRefusedAndKeepsTheSession(origin: String) async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            let out = try await postLogout(harness, session: session, headers: [.origin: origin])
            #expect(out.status == .forbidden)
            let body = String(buffer: out.body)
            #expect(body.contains("Sign-out refused"))
            #expect(body.contains("crossOriginLogout"))
            #expect(body.contains("Reference:"))
            #expect(!endsSession(out, harness))
            #expect(try await sessionIsAlive(harness, session))
        }
    }

    @Test func refererDecidesWhenTheBrowserSentNoOrigin() async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            let foreign = try await postLogout(harness, session: session, headers: [.referer: "https://evil.example/saml/logout"])
            #expect(foreign.status == .forbidden)
            #expect(try await sessionIsAlive(harness, session))
            let own = try await postLogout(harness, session: session, headers: [.referer: "http://LOCALHOST:80/saml/logout"])
            #expect(own.status == .ok)
            #expect(try await !sessionIsAlive(harness, session))
        }
    }

    @Test func postWithNeitherOriginNorRefererIsRefused() async throws {
        try await GatewayHarness.run { harness in
            let session = try await harness.login()
            let out = try await postLogout(harness, session: session, headers: [:])
            #expect(out.status == .forbidden)
            #expect(!endsSession(out, harness))
            #expect(try await sessionIsAlive(harness, session))
        }
    }

    @Test func originIsComparedWithTheExternalURLNotTheHostHeader() async throws {
        try await GatewayHarness.run(configure: { $0.externalURL = "https://gate.example.com" }) { harness in
            let session = try await harness.login()
            let byHost = try await postLogout(harness, session: session, headers: [.origin: "http://localhost"])
            #expect(byHost.status == .forbidden)
            #expect(try await sessionIsAlive(harness, session))
            let external = try await postLogout(harness, session: session, headers: [.origin: "https://gate.example.com"])
            #expect(external.status == .ok)
            #expect(try await !sessionIsAlive(harness, session))
        }
    }
}
