import Foundation
import Gatehouse
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Access rules that require an authentication context: the door's decision, and the step-up
/// login that takes a browser to the IdP it signed in with and back to the same URL.
@Suite struct StepUpLoginTests {
    static let password = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
    static let multiFactor = "http://schemas.microsoft.com/claims/multipleauthn"

    static func policy() -> AccessPolicy {
        var rule = AccessRule(prefix: "/admin", anyGroups: ["admins"])
        rule.authnContext = [multiFactor]
        return AccessPolicy(publicPaths: [], rules: [rule])
    }

    static func request(_ target: String, context: String?, groups: [String] = ["admins"], browser: Bool = true) -> AccessRequest {
        AccessRequest(
            method: "GET", target: target, accept: browser ? "text/html" : "application/json",
            identity: SessionIdentity(
                nameID: "ada@example.com", issuer: "https://idp.test/metadata", authnContextClassRef: context,
                attributes: ["groups": groups]))
    }

    @Test func aSessionWithoutTheContextIsSteppedUpAndOneWithItPasses() {
        let policy = Self.policy()
        #expect(policy.decide(Self.request("/admin/x?y=1", context: Self.password)) == .stepUp(returnPath: "/admin/x?y=1"))
        #expect(policy.decide(Self.request("/ADMIN/x", context: nil)) == .stepUp(returnPath: "/ADMIN/x"))
        #expect(policy.decide(Self.request("/admin/x", context: Self.multiFactor)) == .allow)
        #expect(policy.decide(Self.request("/docs", context: Self.password)) == .allow)
        // Not a browser navigation: no login to send it to, so 403 naming the requirement.
        guard case .forbidden(_, let requirement) = policy.decide(Self.request("/admin/x", context: Self.password, browser: false))
        else {
            Issue.record("not forbidden")
            return
        }
        #expect(requirement.contains(Self.multiFactor))
        // A missing group is not fixed by signing in again: 403 first.
        guard case .forbidden = policy.decide(Self.request("/admin/x", context: Self.password, groups: ["staff"])) else {
            Issue.record("not forbidden")
            return
        }
        #expect(policy.requiredAuthnContext(for: "/admin/x") == [Self.multiFactor])
        #expect(policy.requiredAuthnContext(for: "/docs").isEmpty)
    }

    @Test func stepUpLoginAsksTheSameIdPForTheContextAndReturnsToTheSameURL() async throws {
        try await GatewayHarness.run(configure: { config in
            var rule = AccessRule(prefix: "/admin", anyGroups: ["admins"])
            rule.authnContext = [Self.multiFactor]
            config.accessRules = [rule]
        }) { harness in
            let session = try await harness.login(attributes: ["groups": ["admins"]], path: "/docs/a")
            let cookie: HTTPFields = [.accept: "text/html", .cookie: "\(harness.config.cookie.name)=\(session)"]
            let door = try await harness.client.execute(uri: "/admin/x?y=1", method: .get, headers: cookie)
            #expect(door.status == .found)
            let loginURL = try #require(door.headers[.location])
            #expect(loginURL == "/saml/login?rd=/admin/x%3Fy%3D1&step_up=1")
            let start = try await harness.client.execute(uri: loginURL, method: .get, headers: cookie)
            #expect(start.status == .found)
            let idpURL = try #require(start.headers[.location].flatMap { URLComponents(string: $0) })
            func item(_ name: String) -> String? { idpURL.queryItems?.first { $0.name == name }?.value }
            #expect(item("idp") == "https://idp.test/metadata")
            #expect(item("authn") == Self.multiFactor)
            #expect(item("force") == "true")
            let binding = try #require(GatewayHarness.cookie(harness.config.cookie.pendingLoginName, in: start))
            var response = FakeLoginService.FakeResponse(
                nameID: "alice@test.example", inResponseTo: item("req"), attributes: ["groups": ["admins"]])
            // The IdP answers with a weaker context: refused, not a redirect loop.
            response.authnContextClassRef = Self.password
            let weak = try await harness.postACS(response.encoded(), relayState: item("RelayState"), binding: binding)
            #expect(weak.status == .forbidden)
            #expect(String(buffer: weak.body).contains("authnContextNotAccepted"))
            // A second step-up, answered with the required context, lands on the same URL.
            let again = try await harness.client.execute(uri: loginURL, method: .get, headers: cookie)
            let againURL = try #require(again.headers[.location].flatMap { URLComponents(string: $0) })
            func againItem(_ name: String) -> String? { againURL.queryItems?.first { $0.name == name }?.value }
            response.inResponseTo = againItem("req")
            response.assertionID = UUID().uuidString
            response.authnContextClassRef = Self.multiFactor
            let againBinding = try #require(GatewayHarness.cookie(harness.config.cookie.pendingLoginName, in: again))
            let done = try await harness.postACS(response.encoded(), relayState: againItem("RelayState"), binding: againBinding)
            #expect(done.status == .seeOther, "\(String(buffer: done.body).suffix(600))")
            #expect(done.headers[.location] == "/admin/x?y=1")
            let stepped = try #require(GatewayHarness.cookie(harness.config.cookie.name, in: done))
            let (echo, final) = try await harness.echo("/admin/x?y=1", session: stepped, headers: GatewayHarness.html)
            #expect(final.status == .ok)
            #expect(echo?.uri == "/admin/x?y=1")
            // Forward-auth never redirects: it answers 403 for the weaker session.
            let auth = try await harness.client.execute(
                uri: "/saml/auth", method: .get,
                headers: [.cookie: "\(harness.config.cookie.name)=\(session)", HTTPField.Name("X-Original-URI")!: "/admin/x"])
            #expect(auth.status == .forbidden)
        }
    }
}
