import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SAML
import Testing

/// With `allow_cbc`, the ACS's answer to an encrypted response must not tell a padding error
/// from any later failure: same status, headers and page, byte for byte but the reference.
@Suite struct CBCUniformFailureTests {
    typealias IdPs = PolicyIdPs

    @Test func paddingErrorAndSignatureErrorGetByteIdenticalAnswers() async throws {
        var config = IdPs.config([IdentityProviderPolicyTests.settings(IdPs.a) { $0.allowCBC = true }])
        config.listen = ListenSettings(address: "127.0.0.1", port: 0)
        config.cookie.secure = false
        config.session.store = .memory
        let gateway = Gateway(
            config: config, store: MemorySessionStore(),
            loginService: SAMLLoginService(resolved: try IdPs.resolved(config), clock: ManualWallClock(IdPs.instant)))
        let log = LogLineEscapingTests.Capture()
        let logger = Logger(label: "gatehouse-test", factory: JSONLogHandler.factory(for: LogSettings(format: .text), stream: log))
        let app = Application(router: GatehouseApplication.makeRouter(gateway: gateway), logger: logger)
        let padding = try IdentityProviderPolicyTests.encrypted(IdPs.a, flaw: .padding)
        let signature = try IdentityProviderPolicyTests.tamperedAfterSigning(IdPs.a)
        let settings = config
        do {
            try await app.test(.live) { client in
                var answers: [(status: HTTPResponse.Status, headers: [String], page: String, reference: String)] = []
                for response in [padding, signature] {
                    let start = try await client.execute(uri: "/saml/login?idp=\(GatewayHarness.formEncode(IdPs.a))&rd=/x", method: .get)
                    #expect(start.status == .found)
                    let query = try #require(start.headers[.location].flatMap { URLComponents(string: $0)?.percentEncodedQuery })
                    let relayState = try #require(try RedirectMessage(query: query).relayState)
                    let binding = try #require(GatewayHarness.cookie(settings.cookie.pendingLoginName, in: start))
                    let form = "SAMLResponse=\(GatewayHarness.formEncode(response))&RelayState=\(GatewayHarness.formEncode(relayState))"
                    let result = try await client.execute(
                        uri: "/saml/acs", method: .post,
                        headers: [
                            .contentType: "application/x-www-form-urlencoded", .cookie: "\(settings.cookie.pendingLoginName)=\(binding)",
                        ],
                        body: ByteBuffer(string: form))
                    let page = String(buffer: result.body)
                    let reference = try #require(SAMLLoginGatewayTests.reference(in: page))
                    let headers = result.headers.filter { $0.name != .date }.map { "\($0.name): \($0.value)" }
                    answers.append(
                        (
                            result.status, headers.map { $0.replacingOccurrences(of: reference, with: "REF") },
                            page.replacingOccurrences(of: reference, with: "REF"), reference
                        ))
                }
                #expect(answers[0].status == .forbidden)
                #expect(answers[0].status == answers[1].status)
                #expect(answers[0].headers == answers[1].headers)
                #expect(answers[0].page == answers[1].page)
                #expect(answers[0].reference != answers[1].reference)
                #expect(answers[0].page.contains("encryptedResponseRejected"))
                // Only the server log tells the two apart, under each answer's reference.
                let lines = log.lines.filter { $0.contains("login.outcome=failure") }
                #expect(lines.contains { $0.contains(answers[0].reference) && $0.contains("decryptionFailed") })
                #expect(lines.contains { $0.contains(answers[1].reference) && $0.contains("signatureInvalid") })
            }
        } catch {
            await gateway.shutdown()
            throw error
        }
        await gateway.shutdown()
    }
}
