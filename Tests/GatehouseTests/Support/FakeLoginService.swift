import Foundation
import Gatehouse
import SAML

/// A stand-in for the SAML module. The "SAMLResponse" is base64 JSON naming the user, the
/// request it answers and the assertion ID, so tests can forge any response they need.
struct FakeLoginService: LoginService {
    struct FakeResponse: Codable {
        var nameID: String
        var issuer = "https://idp.test/metadata"
        var inResponseTo: String?
        var assertionID = UUID().uuidString
        var attributes: [String: [String]] = [:]
        var sessionIndex: String? = "idx"
        var authnContextClassRef: String?
        var failWith: SAMLValidationError.Code?

        func encoded() -> String { (try? JSONEncoder().encode(self))?.base64EncodedString() ?? "" }
    }

    var idps = [IdentityProviderSummary(entityID: "https://idp.test/metadata", displayName: "Test IdP", emailDomains: ["test.example"])]
    var expiry = Date().addingTimeInterval(300)

    func identityProviders() async -> [IdentityProviderSummary] { idps }

    func startLogin(idp: String, relayState: String) async throws(LoginFailure) -> LoginStart {
        let requestID = "_req-" + relayState.prefix(8)
        let encodedState = relayState.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return LoginStart(requestID: requestID, redirectURL: "https://idp.test/sso?req=\(requestID)&RelayState=\(encodedState)&idp=\(idp)")
    }

    func startLogin(idp: String, relayState: String, authnContext: [String], forceAuthn: Bool) async throws(LoginFailure)
        -> LoginStart
    {
        var start = try await startLogin(idp: idp, relayState: relayState)
        let context = authnContext.joined(separator: " ").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        start.redirectURL += "&authn=\(context)&force=\(forceAuthn)"
        return start
    }

    func completeLogin(samlResponse: String, pending: PendingLogin?) async throws(LoginFailure) -> LoginCompletion {
        guard let data = Data(base64Encoded: samlResponse),
            let response = try? JSONDecoder().decode(FakeResponse.self, from: data)
        else {
            throw LoginFailure(.saml(.malformed), detail: "not base64 JSON")
        }
        if let code = response.failWith {
            throw LoginFailure(.saml(code), detail: "forced \(code.rawValue)", idp: response.issuer)
        }
        if let pending, response.inResponseTo != pending.requestID {
            throw LoginFailure(.saml(.inResponseToMismatch), detail: "expected \(pending.requestID)", idp: response.issuer)
        }
        let identity = SessionIdentity(
            nameID: response.nameID, issuer: response.issuer, sessionIndex: response.sessionIndex,
            authnContextClassRef: response.authnContextClassRef, attributes: response.attributes)
        return LoginCompletion(identity: identity, assertionID: response.assertionID, assertionExpiry: expiry)
    }

    func serviceProviderMetadata() async throws(LoginFailure) -> String { "<EntityDescriptor entityID=\"sp\"/>" }
}
