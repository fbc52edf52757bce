import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SAML
import Testing

@Suite struct LoginFailureTests {
    /// Dashboards, alerts and log searches use these strings; they must not change.
    @Test func gatehouseCodesKeepTheirNames() {
        let names: [(LoginFailure.Code, String)] = [
            (.unknownIdP, "unknownIdP"), (.noRedirectEndpoint, "noRedirectEndpoint"), (.signingKeyMissing, "signingKeyMissing"),
            (.requestEncodingFailed, "requestEncodingFailed"), (.malformedRequest, "malformedRequest"),
            (.unsolicited, "unsolicited"), (.unknownRelayState, "unknownRelayState"), (.browserMismatch, "browserMismatch"),
            (.storeUnavailable, "storeUnavailable"),
        ]
        for (code, name) in names {
            #expect(code.name == name)
            #expect(!code.userMessage.isEmpty)
        }
    }

    @Test(arguments: SAMLValidationError.Code.allCases)
    func samlCodesUseTheValidatorsNameAndAreForbidden(_ code: SAMLValidationError.Code) {
        let failure = LoginFailure(SAMLValidationError(code: code, detail: "d", issuer: "https://idp.example"))
        #expect(failure.code.name == code.rawValue)
        #expect(failure.status == .forbidden)
        #expect(!failure.userMessage.isEmpty)
        #expect(failure.idp == "https://idp.example")
        #expect(failure.startedAt == nil)
    }

    @Test func statusFollowsTheCode() {
        #expect(LoginFailure(.malformedRequest, detail: "").status == .badRequest)
        #expect(LoginFailure(.unknownIdP, detail: "").status == .badRequest)
        #expect(LoginFailure(.browserMismatch, detail: "").status == .forbidden)
        #expect(LoginFailure(.signingKeyMissing, detail: "").status == .internalServerError)
        #expect(LoginFailure(.storeUnavailable, detail: "").status == .serviceUnavailable)
    }

    /// The middleware renders a thrown failure: its status, its page and the metric.
    @Test func middlewareRendersAThrownFailure() async throws {
        var config = GatehouseConfig(externalURL: "http://localhost", upstreams: [.init(url: "http://127.0.0.1:9")])
        config.cookie.secure = false
        let gateway = Gateway(config: config, store: MemorySessionStore(), loginService: FakeLoginService())
        let router = Router(context: GatehouseRequestContext.self)
        router.add(middleware: LoginFailureMiddleware(gateway: gateway))
        router.get("fail") { _, _ -> Response in
            throw LoginFailure(.storeUnavailable, detail: "database is locked", startedAt: "https://idp.test/metadata")
        }
        try await Application(router: router).test(.router) { client in
            let result = try await client.execute(uri: "/fail", method: .get)
            #expect(result.status == .serviceUnavailable)
            let page = String(buffer: result.body)
            #expect(page.contains("Sign-in is unavailable right now."))
            #expect(page.contains("storeUnavailable"))
            #expect(page.contains("mention Test IdP"))
            #expect(!page.contains("database is locked"))
            #expect(SAMLLoginGatewayTests.reference(in: page) != nil)
        }
        #expect(gateway.metrics.render().contains("gatehouse_logins_total{outcome=\"failure\",code=\"storeUnavailable\"} 1"))
        await gateway.shutdown()
    }

    /// Without the middleware, Hummingbird still answers with the failure's status and page.
    @Test func failureOutsideTheMiddlewareStillGetsItsStatusAndPage() async throws {
        let router = Router()
        router.get("fail") { _, _ -> Response in throw LoginFailure(.browserMismatch, detail: "cookie differs") }
        try await Application(router: router).test(.router) { client in
            let result = try await client.execute(uri: "/fail", method: .get)
            #expect(result.status == .forbidden)
            let page = String(buffer: result.body)
            #expect(page.contains("Sign-in must finish in the browser that started it."))
            #expect(page.contains("browserMismatch"))
            #expect(!page.contains("cookie differs"))
            #expect(SAMLLoginGatewayTests.reference(in: page) != nil)
        }
    }
}
