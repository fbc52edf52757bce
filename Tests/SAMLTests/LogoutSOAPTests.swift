import Foundation
import SAML
import Testing
import XMLSecurity

/// Back-channel Single Logout over SOAP 1.1 (Bindings §3.2).
@Suite struct LogoutSOAPTests {
    typealias F = LogoutFixture

    static func envelope(_ body: String, header: String = "") -> [UInt8] {
        Array(
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\(header)<soap:Body>\(body)</soap:Body></soap:Envelope>"
                .utf8)
    }

    static func soapRequest(destination: String? = nil) -> LogoutRequest {
        var request = F.idpRequest()
        request.destination = destination
        return request
    }

    static func validate(_ bytes: [UInt8], cache: any ReplayCache = InMemoryReplayCache()) async throws -> ValidatedLogoutRequest {
        try await F.validator().validateRequest(
            try InboundLogoutMessage(soapEnvelope: bytes), identityProvider: try F.registry(), replayCache: cache, now: F.now)
    }

    @Test func signedRequestInAnEnvelopeIsAnsweredWithASignedResponseEnvelope() async throws {
        let validated = try await Self.validate(Self.envelope(try F.signed(Self.soapRequest().xml)))
        #expect(validated.binding == .soap)
        #expect(validated.request.nameID == "ada@example.com")
        #expect(validated.relayState == nil)
        guard case .soap(let bytes) = try F.builder().response(to: validated, status: .success, now: F.now, id: "_soap-resp") else {
            Issue.record("expected a SOAP envelope")
            return
        }
        let envelope = try XMLDocument(parsing: bytes).root
        #expect(envelope.isNamed("Envelope", namespace: SOAPBinding.envelopeNamespace))
        let body = try #require(envelope.firstChild(named: "Body", namespace: SOAPBinding.envelopeNamespace))
        let root = try #require(body.children.first)
        let verified = try SignatureVerifier.verify(root, trustedKeys: [try Fixture.trustedKey("sp")]).element
        let response = try LogoutResponse(element: verified)
        #expect(response.inResponseTo == "_lr-4c1d")
        #expect(response.statusCode == SAMLNamespace.statusSuccess)
        #expect(response.destination == F.idpSOAP)
    }

    @Test func destinationOnTheBackChannelIsOptionalButMustBeTheSOAPEndpoint() async throws {
        _ = try await Self.validate(Self.envelope(try F.signed(Self.soapRequest(destination: F.soap).xml)))
        let error = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(Self.envelope(try F.signed(Self.soapRequest(destination: F.slo).xml)))
        }
        #expect(error?.code == .destinationMismatch)
    }

    @Test func unsignedOrForeignSignedRequestIsRefused() async throws {
        let unsigned = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(Self.envelope(Self.soapRequest().xml))
        }
        #expect(unsigned?.code == .signatureMissing)
        let foreign = await #expect(throws: SAMLValidationError.self) {
            try await Self.validate(Self.envelope(try F.signed(Self.soapRequest().xml, key: "attacker")))
        }
        #expect(foreign?.code == .untrustedKey)
        // What the endpoint sends back for it: a Client fault naming only the check.
        let fault = SOAPFault(try #require(foreign))
        #expect(fault.code == .client)
        #expect(fault.reason == "the SAML message was refused: untrustedKey")
    }

    @Test func replayedSOAPRequestIsRefused() async throws {
        let cache = InMemoryReplayCache()
        let bytes = Self.envelope(try F.signed(Self.soapRequest().xml))
        _ = try await Self.validate(bytes, cache: cache)
        let error = await #expect(throws: SAMLValidationError.self) { try await Self.validate(bytes, cache: cache) }
        #expect(error?.code == .replayed)
    }

    @Test(arguments: [
        ("not XML", SOAPFault.Code.client),
        ("<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body/></soap:Envelope>", .versionMismatch),
        ("<Envelope><Body/></Envelope>", .client),
        ("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"/>", .client),
        ("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body/></soap:Envelope>", .client),
        (
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><x:Other xmlns:x=\"urn:x\"/></soap:Body></soap:Envelope>",
            .client
        ),
        ("<!DOCTYPE x [<!ENTITY e \"e\">]><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"/>", .client),
    ])
    func malformedEnvelopeIsAFault(_ text: String, _ code: SOAPFault.Code) {
        let fault = #expect(throws: SOAPFault.self) { try InboundLogoutMessage(soapEnvelope: Array(text.utf8)) }
        #expect(fault?.code == code, "\(fault?.description ?? "no fault")")
    }

    @Test func twoMessagesInTheBodyOrAnUnderstoodHeaderAreFaults() throws {
        let request = Self.soapRequest().xml
        let two = #expect(throws: SOAPFault.self) { try InboundLogoutMessage(soapEnvelope: Self.envelope(request + request)) }
        #expect(two?.code == .client)
        let header = "<soap:Header><x:Security xmlns:x=\"urn:x\" soap:mustUnderstand=\"1\"/></soap:Header>"
        let mustUnderstand = #expect(throws: SOAPFault.self) {
            try InboundLogoutMessage(soapEnvelope: Self.envelope(request, header: header))
        }
        #expect(mustUnderstand?.code == .mustUnderstand)
        // A header nobody must understand is ignored.
        let optional = "<soap:Header><x:Trace xmlns:x=\"urn:x\"/></soap:Header>"
        #expect(try InboundLogoutMessage(soapEnvelope: Self.envelope(request, header: optional)).kind == .request)
    }

    @Test func faultEnvelopeIsWellFormedSOAP() throws {
        let fault = SOAPFault(code: .client, reason: "bad <input> & more")
        #expect(fault.httpStatus == 500)
        let envelope = try XMLDocument(parsing: fault.envelope).root
        let body = try #require(envelope.firstChild(named: "Body", namespace: SOAPBinding.envelopeNamespace))
        let element = try #require(body.firstChild(named: "Fault", namespace: SOAPBinding.envelopeNamespace))
        #expect(element.firstChild(named: "faultcode", namespace: nil)?.textContent == "SOAP-ENV:Client")
        #expect(element.firstChild(named: "faultstring", namespace: nil)?.textContent == "bad <input> & more")
    }
}
