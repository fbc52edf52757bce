import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SAML
import Testing

@Suite struct LoginFlowTests {
    /// Starts a login and returns (relayState, requestID, binding cookie).
    func start(_ harness: GatewayHarness) async throws -> (String, String, String) {
        let start = try await harness.client.execute(uri: "/saml/login?rd=/x", method: .get)
        let url = try #require(start.headers[.location].flatMap { URLComponents(string: $0) })
        let relayState = try #require(url.queryItems?.first { $0.name == "RelayState" }?.value)
        let requestID = try #require(url.queryItems?.first { $0.name == "req" }?.value)
        let binding = try #require(GatewayHarness.cookie(harness.config.cookie.pendingLoginName, in: start))
        return (relayState, requestID, binding)
    }

    @Test func responseInAnotherBrowserIsRefused() async throws {
        try await GatewayHarness.run { harness in
            let (relayState, requestID, _) = try await start(harness)
            let forged = FakeLoginService.FakeResponse(nameID: "alice", inResponseTo: requestID).encoded()
            let response = try await harness.postACS(forged, relayState: relayState, binding: SessionID.generate())
            #expect(response.status == .forbidden)
            #expect(GatewayHarness.cookie(harness.config.cookie.name, in: response) == nil)
            #expect(String(buffer: response.body).contains("Reference:"))
        }
    }

    @Test func relayStateWorksOnlyOnce() async throws {
        try await GatewayHarness.run { harness in
            let (relayState, requestID, binding) = try await start(harness)
            let response = FakeLoginService.FakeResponse(nameID: "alice", inResponseTo: requestID)
            let first = try await harness.postACS(response.encoded(), relayState: relayState, binding: binding)
            #expect(first.status == .seeOther)
            var again = response
            again.assertionID = "_another"
            let second = try await harness.postACS(again.encoded(), relayState: relayState, binding: binding)
            #expect(second.status == .forbidden)
            #expect(String(buffer: second.body).contains("expired or was already completed"))
            #expect(GatewayHarness.cookie(harness.config.cookie.name, in: second) == nil)
        }
    }

    @Test func sameAssertionUnderAFreshRelayStateIsARefusedReplay() async throws {
        try await GatewayHarness.run(configure: { $0.unsolicitedResponses = .allow }) { harness in
            let response = FakeLoginService.FakeResponse(nameID: "alice", assertionID: "_fixed")
            let first = try await harness.postACS(response.encoded(), relayState: nil, binding: nil)
            #expect(first.status == .seeOther)
            let second = try await harness.postACS(response.encoded(), relayState: nil, binding: nil)
            #expect(second.status == .forbidden)
            let metrics = try await harness.client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: metrics.body)
            #expect(text.contains("gatehouse_logins_total{outcome=\"failure\",code=\"replayed\"} 1"))
            #expect(text.contains("gatehouse_logins_total{outcome=\"success\",code=\"\"} 1"))
            #expect(text.contains("gatehouse_active_sessions 1"))
        }
    }

    @Test func unsolicitedResponseIsRefusedByDefault() async throws {
        try await GatewayHarness.run { harness in
            let response = FakeLoginService.FakeResponse(nameID: "alice").encoded()
            let result = try await harness.postACS(response, relayState: nil, binding: nil)
            #expect(result.status == .forbidden)
            #expect(String(buffer: result.body).contains("Sign-in must start from this site"))
        }
    }

    @Test func validationFailureShowsItsMessageAndNoSession() async throws {
        try await GatewayHarness.run { harness in
            let (relayState, requestID, binding) = try await start(harness)
            var response = FakeLoginService.FakeResponse(nameID: "alice", inResponseTo: requestID)
            response.failWith = .audienceMismatch
            let result = try await harness.postACS(response.encoded(), relayState: relayState, binding: binding)
            #expect(result.status == .forbidden)
            let page = String(buffer: result.body)
            #expect(page.contains("The sign-in response was meant for a different application."))
            #expect(page.contains("audienceMismatch"))
            #expect(GatewayHarness.cookie(harness.config.cookie.name, in: result) == nil)
        }
    }

    @Test func chooserListsIdPsAndFiltersWithoutJavaScript() async throws {
        var service = FakeLoginService()
        service.idps = [
            IdentityProviderSummary(entityID: "https://a.example/idp", displayName: "Alpha Corp", emailDomains: ["alpha.example"]),
            IdentityProviderSummary(entityID: "https://b.example/idp", displayName: "Beta Inc"),
        ]
        try await GatewayHarness.run(loginService: service) { harness in
            let page = try await harness.client.execute(uri: "/saml/login?rd=/x", method: .get)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("Alpha Corp") && html.contains("Beta Inc"))
            let filtered = String(buffer: try await harness.client.execute(uri: "/saml/login?q=beta", method: .get).body)
            #expect(filtered.contains("Beta Inc") && !filtered.contains("Alpha Corp"))
            let hinted = try await harness.client.execute(uri: "/saml/login?login_hint=bob@alpha.example", method: .get)
            #expect(hinted.status == .found)
            let chosen = try await harness.client.execute(uri: "/saml/login?idp=https://b.example/idp", method: .get)
            #expect(chosen.status == .found)
            let unknown = try await harness.client.execute(uri: "/saml/login?idp=https://evil/idp", method: .get)
            #expect(unknown.status == .badRequest)
        }
    }

    @Test func loginRefusesForeignReturnPaths() async throws {
        try await GatewayHarness.run { harness in
            let start = try await harness.client.execute(uri: "/saml/login?rd=//evil.example/x", method: .get)
            let url = try #require(start.headers[.location].flatMap { URLComponents(string: $0) })
            let state = try #require(url.queryItems?.first { $0.name == "RelayState" }?.value)
            let req = try #require(url.queryItems?.first { $0.name == "req" }?.value)
            let bind = try #require(GatewayHarness.cookie(harness.config.cookie.pendingLoginName, in: start))
            let done = try await harness.postACS(
                FakeLoginService.FakeResponse(nameID: "a", inResponseTo: req).encoded(), relayState: state, binding: bind)
            #expect(done.headers[.location] == "/")
        }
    }

    @Test func sqliteSessionsSurviveARestart() async throws {
        let path = try TestPaths.scratchDirectory() + "/sessions.sqlite"
        let sessionBox = SessionBox()
        try await GatewayHarness.run(store: CachedSessionStore(wrapping: try SQLiteSessionStore(path: path))) { harness in
            await sessionBox.set(try await harness.login())
        }
        let session = try #require(await sessionBox.value)
        try await GatewayHarness.run(store: CachedSessionStore(wrapping: try SQLiteSessionStore(path: path))) { harness in
            let (echo, response) = try await harness.echo("/docs", session: session)
            #expect(response.status == .ok)
            #expect(echo?.values("X-Forwarded-User") == ["alice@test.example"])
        }
    }

    @Test func healthAndReadinessAnswer() async throws {
        try await GatewayHarness.run { harness in
            #expect(try await harness.client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await harness.client.execute(uri: "/readyz", method: .get).status == .ok)
            let metadata = try await harness.client.execute(uri: "/saml/metadata", method: .get)
            #expect(metadata.headers[.contentType] == "application/samlmetadata+xml")
        }
    }
}

actor SessionBox {
    var value: String?
    func set(_ value: String) { self.value = value }
}
