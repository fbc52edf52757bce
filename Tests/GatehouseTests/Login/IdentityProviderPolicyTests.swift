import Foundation
import Gatehouse
import HTTPTypes
import SAML
import Testing
import XMLSecurity

/// Each `idps[]` policy switch changes the decision for its own IdP only: both IdPs are
/// registered in one real ``SAMLLoginService``, one with the switch set and one without, and
/// each gets the same response (its own Issuer and signature).
@Suite struct IdentityProviderPolicyTests {
    typealias IdPs = PolicyIdPs

    static func settings(_ entityID: String, _ change: (inout IdentityProviderSettings) -> Void) -> IdentityProviderSettings {
        var settings = IdentityProviderSettings(entityID: entityID)
        change(&settings)
        return settings
    }

    /// Login outcomes for `content` at A and at B: nil for accepted, else the failure's code.
    static func outcomes(
        _ config: GatehouseConfig, _ content: IdPs.Content = .init(), algorithm: SignatureAlgorithm = .rsaSHA256,
        at now: Date = IdPs.instant
    ) async throws -> (a: LoginFailure.Code?, b: LoginFailure.Code?) {
        let service = try IdPs.service(config, at: now)
        var results: [LoginFailure.Code?] = []
        for idp in [IdPs.a, IdPs.b] {
            let pending = content.inResponseTo == nil ? nil : IdPs.pending(at: idp)
            let failure = await IdPs.failure(service, try IdPs.posted(idp, content, algorithm: algorithm), pending: pending)
            results.append(failure?.code)
        }
        return (results[0], results[1])
    }

    @Test func theSameResponseIsAcceptedFromBothWithoutSettings() async throws {
        let outcome = try await Self.outcomes(IdPs.config([]))
        #expect(outcome.a == nil && outcome.b == nil)
    }

    @Test func allowUnsolicitedOpensOneIdPOnly() async throws {
        let config = IdPs.config([Self.settings(IdPs.a) { $0.allowUnsolicited = true }])
        #expect(config.acceptsUnsolicitedResponses)
        let outcome = try await Self.outcomes(config, .init(inResponseTo: nil))
        #expect(outcome.a == nil)
        #expect(outcome.b == .saml(.unsolicitedNotAllowed))
    }

    @Test func allowUnsolicitedFalseClosesOneIdPWhenTheGlobalSettingAllows() async throws {
        var config = IdPs.config([Self.settings(IdPs.b) { $0.allowUnsolicited = false }])
        config.unsolicitedResponses = .allow
        let outcome = try await Self.outcomes(config, .init(inResponseTo: nil))
        #expect(outcome.a == nil)
        #expect(outcome.b == .saml(.unsolicitedNotAllowed))
    }

    @Test func clockSkewIsPerIdP() async throws {
        // Expired 5 minutes ago: inside A's 10-minute skew, outside the global 90 s.
        let config = IdPs.config([Self.settings(IdPs.a) { $0.clockSkew = .minutes(10) }])
        let outcome = try await Self.outcomes(config, at: IdPs.instant.addingTimeInterval(600))
        #expect(outcome.a == nil)
        #expect(outcome.b == .saml(.expired))
    }

    @Test func allowSHA1IsPerIdP() async throws {
        let config = IdPs.config([Self.settings(IdPs.a) { $0.allowSHA1 = true }])
        let outcome = try await Self.outcomes(config, algorithm: .rsaSHA1)
        #expect(outcome.a == nil)
        #expect(outcome.b == .saml(.weakAlgorithm))
    }

    @Test func requireSignedAssertionsRefusesAResponseSignedOnlyOnTheResponse() async throws {
        let service = try IdPs.service(IdPs.config([Self.settings(IdPs.a) { $0.requireSignedAssertions = true }]))
        for (idp, expected) in [(IdPs.a, LoginFailure.Code.saml(.signatureMissing)), (IdPs.b, nil)] {
            let xml = try IdPs.signed(IdPs.response(idp, around: IdPs.assertion(idp)), by: idp)
            let failure = await IdPs.failure(service, IdPs.base64(xml), pending: IdPs.pending(at: idp))
            #expect(failure?.code == expected, "\(idp): \(failure?.description ?? "accepted")")
        }
    }

    @Test func requestedAuthnContextIsEnforcedForItsIdPOnly() async throws {
        let config = IdPs.config([Self.settings(IdPs.a) { $0.requestedAuthnContext = [IdPs.multiFactor] }])
        let password = try await Self.outcomes(config, .init(authnContext: IdPs.password))
        #expect(password.a == .authnContextNotAccepted)
        #expect(password.b == nil)
        let multiFactor = try await Self.outcomes(config, .init(authnContext: IdPs.multiFactor))
        #expect(multiFactor.a == nil && multiFactor.b == nil)
        let failure = LoginFailure(.authnContextNotAccepted, detail: "")
        #expect(failure.status == .forbidden)
        #expect(failure.code.name == "authnContextNotAccepted")
    }

    /// The AuthnRequest each IdP receives, parsed.
    static func authnRequest(_ service: SAMLLoginService, _ idp: String) async throws -> (xml: XMLElement, signed: Bool) {
        let start = try await service.startLogin(idp: idp, relayState: "state-1")
        let query = try #require(URLComponents(string: start.redirectURL)?.percentEncodedQuery)
        let message = try RedirectMessage(query: query)
        return (try XMLDocument(parsing: message.xml).root, message.signature != nil)
    }

    @Test func forceAuthnNameIDFormatAndAuthnContextAreAskedOfOneIdPOnly() async throws {
        let format = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
        let service = try IdPs.service(
            IdPs.config([
                Self.settings(IdPs.a) {
                    $0.forceAuthn = true
                    $0.nameIDFormat = format
                    $0.requestedAuthnContext = [IdPs.multiFactor, IdPs.password]
                }
            ]))
        let a = try await Self.authnRequest(service, IdPs.a).xml
        #expect(a.attribute("ForceAuthn") == "true")
        #expect(a.firstChild(named: "NameIDPolicy", namespace: SAMLNamespace.samlp)?.attribute("Format") == format)
        let requested = try #require(a.firstChild(named: "RequestedAuthnContext", namespace: SAMLNamespace.samlp))
        #expect(requested.attribute("Comparison") == "exact")
        #expect(
            requested.children(named: "AuthnContextClassRef", namespace: SAMLNamespace.assertion).map(\.textContent) == [
                IdPs.multiFactor, IdPs.password,
            ])
        let b = try await Self.authnRequest(service, IdPs.b).xml
        #expect(b.attribute("ForceAuthn") == nil)
        #expect(b.firstChild(named: "NameIDPolicy", namespace: SAMLNamespace.samlp)?.attribute("Format") == nil)
        #expect(b.firstChild(named: "RequestedAuthnContext", namespace: SAMLNamespace.samlp) == nil)
    }

    @Test func stepUpLoginForcesAuthnAndAsksForTheRulesContextInsteadOfTheIdPs() async throws {
        let service = try IdPs.service(IdPs.config([Self.settings(IdPs.a) { $0.requestedAuthnContext = [IdPs.password] }]))
        let start = try await service.startLogin(idp: IdPs.a, relayState: "s", authnContext: [IdPs.multiFactor], forceAuthn: true)
        let query = try #require(URLComponents(string: start.redirectURL)?.percentEncodedQuery)
        let request = try XMLDocument(parsing: try RedirectMessage(query: query).xml).root
        #expect(request.attribute("ForceAuthn") == "true")
        let requested = try #require(request.firstChild(named: "RequestedAuthnContext", namespace: SAMLNamespace.samlp))
        #expect(
            requested.children(named: "AuthnContextClassRef", namespace: SAMLNamespace.assertion).map(\.textContent) == [IdPs.multiFactor])
    }

    @Test func signAuthnRequestsAlwaysSignsForAnIdPThatDoesNotAsk() async throws {
        let config = IdPs.config([Self.settings(IdPs.a) { $0.signAuthnRequests = .always }])
        let service = try IdPs.service(config)
        let a = try await Self.authnRequest(service, IdPs.a)
        let b = try await Self.authnRequest(service, IdPs.b)
        #expect(a.signed)
        #expect(!b.signed)
        // Without an SP key, `always` cannot be honoured: a clear failure, not an unsigned request.
        var keyless = config
        keyless.serviceProvider = ServiceProviderSettings()
        let unsigned = SAMLLoginService(
            resolved: try ResolvedConfig(config: keyless, serviceProviderKeys: nil, registry: try IdPs.resolved(config).registry))
        await #expect(throws: LoginFailure.self) { _ = try await unsigned.startLogin(idp: IdPs.a, relayState: "s") }
        _ = try await unsigned.startLogin(idp: IdPs.b, relayState: "s")
    }

    // AES-CBC.

    static let cbcConfig = IdPs.config([Self.settings(IdPs.a) { $0.allowCBC = true }])

    static func encrypted(_ idp: String, flaw: PolicyIdPs.CBCFlaw = .none, _ content: IdPs.Content = .init()) throws -> String {
        let assertion = try IdPs.signed(IdPs.assertion(idp, content), by: idp)
        return IdPs.base64(IdPs.response(idp, around: try IdPs.encryptedCBC(assertion, flaw: flaw)))
    }

    @Test func allowCBCDecryptsForOneIdPOnly() async throws {
        let service = try IdPs.service(Self.cbcConfig)
        let completion = try await service.completeLogin(samlResponse: try Self.encrypted(IdPs.a), pending: IdPs.pending(at: IdPs.a))
        #expect(completion.identity.nameID == "ada@example.com")
        let refused = await IdPs.failure(service, try Self.encrypted(IdPs.b), pending: IdPs.pending(at: IdPs.b))
        #expect(refused?.code == .saml(.weakAlgorithm), "\(refused?.description ?? "accepted")")
    }

    /// A response whose encrypted assertion decrypts, but whose signature no longer matches.
    static func tamperedAfterSigning(_ idp: String) throws -> String {
        let assertion = try IdPs.signed(IdPs.assertion(idp), by: idp).replacingOccurrences(
            of: "ada@example.com", with: "eve@example.com")
        return IdPs.base64(IdPs.response(idp, around: try IdPs.encryptedCBC(assertion)))
    }

    @Test func withCBCAPaddingErrorAndALaterSignatureErrorFailAlike() async throws {
        let service = try IdPs.service(Self.cbcConfig)
        let padding = await IdPs.failure(service, try Self.encrypted(IdPs.a, flaw: .padding), pending: IdPs.pending(at: IdPs.a))
        let signature = await IdPs.failure(service, try Self.tamperedAfterSigning(IdPs.a), pending: IdPs.pending(at: IdPs.a))
        let expired = await IdPs.failure(
            service, try Self.encrypted(IdPs.a, .init(notOnOrAfter: IdPs.instant.addingTimeInterval(-600))),
            pending: IdPs.pending(at: IdPs.a))
        for failure in [padding, signature, expired] {
            #expect(failure?.code == .encryptedResponseRejected, "\(failure?.description ?? "accepted")")
            #expect(failure?.status == .forbidden)
            #expect(failure?.userMessage == padding?.userMessage)
        }
        // The log detail keeps the check that really failed.
        #expect(padding?.detail.hasPrefix("decryptionFailed:") == true, "\(padding?.detail ?? "")")
        #expect(signature?.detail.hasPrefix("signatureInvalid:") == true, "\(signature?.detail ?? "")")
        #expect(expired?.detail.hasPrefix("expired:") == true, "\(expired?.detail ?? "")")
        // Without CBC the IdP's encrypted failures keep their own codes (GCM has integrity).
        let plain = try IdPs.service(IdPs.config([Self.settings(IdPs.a) { $0.allowCBC = false }]))
        let refused = await IdPs.failure(plain, try Self.encrypted(IdPs.a, flaw: .padding), pending: IdPs.pending(at: IdPs.a))
        #expect(refused?.code == .saml(.weakAlgorithm))
    }

    // Configuration.

    @Test func everyPolicyFieldIsReadAndLeftOutFieldsKeepTheGlobalSettings() throws {
        let config = try ConfigLoader.decode(
            yaml: """
                external_url: https://sso.example.com
                upstreams: [{url: "http://127.0.0.1:3000"}]
                clock_skew: 2m
                unsolicited_responses: allow
                idps:
                  - entity_id: https://a.example/idp
                    allow_unsolicited: false
                    clock_skew: 5m
                    allow_sha1: true
                    require_signed_assertions: true
                    force_authn: true
                    requested_authn_context: [\(IdPs.multiFactor)]
                    name_id_format: urn:oasis:names:tc:SAML:2.0:nameid-format:persistent
                    sign_authn_requests: always
                    allow_cbc: true
                  - entity_id: https://b.example/idp
                """)
        var expected = IdentityProviderPolicy()
        expected.allowsUnsolicited = false
        expected.clockSkew = .minutes(5)
        expected.allowsSHA1 = true
        expected.requiresSignedAssertions = true
        expected.forceAuthn = true
        expected.requestedAuthnContext = [IdPs.multiFactor]
        expected.nameIDFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
        expected.signAuthnRequests = .always
        expected.allowsCBC = true
        #expect(IdentityProviderPolicy(entityID: IdPs.a, config: config) == expected)
        var inherited = IdentityProviderPolicy()
        inherited.allowsUnsolicited = true
        inherited.clockSkew = .minutes(2)
        #expect(IdentityProviderPolicy(entityID: IdPs.b, config: config) == inherited)
        #expect(IdentityProviderPolicy(entityID: "https://unlisted.example/idp", config: config) == inherited)
        let policy = IdentityProviderPolicy(entityID: IdPs.a, config: config).validationPolicy(
            audience: "x", assertionConsumerServiceURL: "y", decryptionKeys: [], answersRequest: false)
        #expect(policy.clockSkew == .seconds(300) && policy.allowsSHA1 && policy.requiresSignedAssertion)
        #expect(policy.decryptionOptions.allowsCBC && !policy.allowsUnsolicited)
    }

    @Test func misspelledPolicyFieldsAreUnknownAndBadValuesAreRefused() {
        let yaml = "idps:\n  - entity_id: x\n    allow_cbc: true\n    allow_cbcs: true\n    sign_authn_request: always\n"
        #expect(ConfigSchema.unknownFields(inYAML: yaml) == ["idps.0.allow_cbcs", "idps.0.sign_authn_request"])
        #expect(throws: (any Error).self) {
            try ConfigLoader.decode(
                yaml: """
                    external_url: https://sso.example.com
                    upstreams: [{url: "http://127.0.0.1:3000"}]
                    idps: [{entity_id: x, sign_authn_requests: sometimes}]
                    """)
        }
    }
}
