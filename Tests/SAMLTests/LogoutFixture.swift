import Foundation
import SAML
import XMLSecurity

/// Single Logout test material: our policy, the registered IdPs, and messages signed at test
/// time with the committed keys in `Fixtures/keys/`.
enum LogoutFixture {
    static let slo = "https://sp.example.com/saml/slo"
    static let soap = "https://sp.example.com/saml/slo/soap"
    static let idpRedirect = "https://idp.example.com/slo/redirect"
    static let idpRedirectResponses = "https://idp.example.com/slo/redirect/done"
    static let idpPOST = "https://idp.example.com/slo/post"
    static let idpSOAP = "https://idp.example.com/slo/soap"
    static let otherIdPEntityID = "https://other-idp.example.org/metadata"
    static let now = Fixture.instant

    static func policy() throws -> LogoutPolicy {
        var policy = LogoutPolicy(entityID: Fixture.spEntityID, singleLogoutServiceURL: slo, soapSingleLogoutServiceURL: soap)
        policy.decryptionKeys = [try DecryptionKey(privateKeyPEM: try Fixture.key("sp.key"))]
        return policy
    }

    static func validator() throws -> LogoutValidator { LogoutValidator(policy: try policy()) }

    static func builder(key: String = "sp") throws -> LogoutBuilder {
        LogoutBuilder(policy: try policy(), signingKey: try Fixture.signingKey(key))
    }

    /// The main IdP, trusting `keys`, with Redirect (separate ResponseLocation), POST and SOAP endpoints.
    static func idp(keys: [String] = ["idp-rsa"], endpoints: [Endpoint]? = nil) throws -> IdentityProvider {
        IdentityProvider(
            entityID: Fixture.idpEntityID, signingKeys: try keys.map { try Fixture.trustedKey($0) },
            singleLogoutServices: endpoints ?? [
                Endpoint(binding: SAMLBinding.httpRedirect, location: idpRedirect, responseLocation: idpRedirectResponses),
                Endpoint(binding: SAMLBinding.httpPOST, location: idpPOST),
                Endpoint(binding: SAMLBinding.soap, location: idpSOAP),
            ])
    }

    /// The registry the validator asks: the main IdP and another one that signs with idp-rsa2.
    static func registry(keys: [String] = ["idp-rsa"]) throws -> @Sendable (String) -> IdentityProvider? {
        let main = try idp(keys: keys)
        let other = IdentityProvider(entityID: otherIdPEntityID, signingKeys: [try Fixture.trustedKey("idp-rsa2")])
        return { entityID in [main, other].first { $0.entityID == entityID } }
    }

    /// The IdP's LogoutRequest every rejection test derives from by exactly one change.
    static func idpRequest() -> LogoutRequest {
        var request = LogoutRequest(
            id: "_lr-4c1d", issueInstant: now, destination: slo, issuer: Fixture.idpEntityID,
            nameID: "ada@example.com", nameIDFormat: NameIDFormat.emailAddress, sessionIndexes: ["_session-91e2"])
        request.notOnOrAfter = now.addingTimeInterval(300)
        return request
    }

    /// The IdP's LogoutResponse to our request `_out-1`.
    static func idpResponse() -> LogoutResponse {
        LogoutResponse(
            id: "_lresp-8e0a", issueInstant: now, destination: slo, issuer: Fixture.idpEntityID, inResponseTo: "_out-1")
    }

    /// `xml` as a signed HTTP-Redirect query, signed with the key named `key` (nil: unsigned).
    static func redirect(
        _ xml: String, parameter: HTTPRedirectBinding.Parameter = .request, key: String? = "idp-rsa",
        algorithm: SignatureAlgorithm = .rsaSHA256, relayState: String? = "rs-1"
    ) throws -> String {
        try HTTPRedirectBinding.encode(
            xml, parameter: parameter, relayState: relayState, signingKey: try key.map { try Fixture.signingKey($0) }, algorithm: algorithm)
    }

    /// `xml` with an enveloped signature by `key` (nil: unsigned), as the XML bytes.
    static func signed(_ xml: String, key: String? = "idp-rsa", algorithm: SignatureAlgorithm = .rsaSHA256) throws -> String {
        guard let key else { return xml }
        let bytes = try Signer.signEnveloped(Array(xml.utf8), key: try Fixture.signingKey(key), algorithm: algorithm)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The form fields of an HTTP-POST delivery of `xml` (already signed or not).
    static func postForm(_ xml: String, parameter: HTTPRedirectBinding.Parameter = .request, relayState: String? = "rs-1")
        -> [String: String]
    {
        var fields = [parameter.rawValue: Data(xml.utf8).base64EncodedString()]
        fields["RelayState"] = relayState
        return fields
    }

    /// The query string of a redirect URL.
    static func query(of url: String) throws -> String {
        guard let mark = url.firstIndex(of: "?") else { throw SAMLValidationError(code: .malformed, detail: "no query in \(url)") }
        return String(url[url.index(after: mark)...])
    }

    /// The XML carried by an HTTP-POST form value.
    static func xml(ofPosted value: String) -> String {
        String(decoding: Data(base64Encoded: value) ?? Data(), as: UTF8.self)
    }
}

/// A replay cache whose store is down: the validator must refuse, not accept.
struct FailingReplayCache: ReplayCache {
    struct Unavailable: Error {}
    func remember(id: String, until expiry: Date, now: Date) async throws -> Bool { throw Unavailable() }
}
