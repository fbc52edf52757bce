public import Foundation
import XMLSecurity

/// Validates a `samlp:Response` in DESIGN.md's order and returns the ``Identity`` it carries.
///
/// Security rule: identity data is read only from the element that ``SignatureVerifier``
/// returned (or that ``Decryptor`` produced and then verified), never from a fresh search of
/// the document.
public struct ResponseValidator: Sendable {
    /// What this IdP's responses must satisfy.
    public var policy: ValidationPolicy
    /// Where assertion IDs are remembered.
    public var replayCache: any ReplayCache

    /// A validator for one policy.
    public init(policy: ValidationPolicy, replayCache: any ReplayCache) {
        self.policy = policy
        self.replayCache = replayCache
    }

    /// Parses the posted `SAMLResponse` field, picks the IdP named by its Issuer and validates.
    public func validate(
        posted text: String, identityProviders: [IdentityProvider], expectedRequestID: String?, now: Date
    ) async throws(SAMLValidationError) -> Identity {
        let response = try SAMLResponse(posted: text, limits: policy.parseLimits)
        guard let issuer = response.issuer else {
            throw SAMLValidationError(code: .unknownIssuer, detail: "the response names no Issuer")
        }
        guard let idp = identityProviders.first(where: { $0.entityID == issuer }) else {
            throw SAMLValidationError(code: .unknownIssuer, detail: "no IdP with entity ID \(issuer) is configured", issuer: issuer)
        }
        return try await validate(response, from: idp, expectedRequestID: expectedRequestID, now: now)
    }

    /// Validates `response` as coming from `idp`. `expectedRequestID` is the ID of the pending
    /// AuthnRequest, or nil when there is none (IdP-initiated).
    public func validate(
        _ response: SAMLResponse, from idp: IdentityProvider, expectedRequestID: String?, now: Date
    ) async throws(SAMLValidationError) -> Identity {
        let issuer = idp.entityID
        func fail(_ code: SAMLValidationError.Code, _ detail: String) -> SAMLValidationError {
            SAMLValidationError(code: code, detail: detail, issuer: issuer)
        }
        let root = response.root

        // 1. Exactly one assertion (the count was checked while parsing).
        guard let container = response.assertionChild else {
            if let status = response.statusCode, status != SAMLNamespace.statusSuccess {
                throw fail(.statusNotSuccess, Self.statusDetail(root))
            }
            throw fail(.assertionMissing, "the response carries no Assertion")
        }

        // 2. Signatures: Response (over the message as received), then the Assertion.
        let verifiedResponse = try verifySignature(of: root, idp: idp, required: policy.requiresSignedResponse)
        let assertion = try assertionElement(container, verifiedResponse: verifiedResponse, issuer: issuer)
        let verifiedAssertion = try verifySignature(of: assertion, idp: idp, required: policy.requiresSignedAssertion)
        guard verifiedResponse != nil || verifiedAssertion != nil else {
            throw fail(.signatureMissing, "neither the Response nor the Assertion is signed")
        }
        // From here on, read only from verified elements: the verified assertion, or the
        // assertion that is a child of the verified Response (the same node, never a search).
        let trusted = verifiedAssertion ?? assertion
        let message = verifiedResponse ?? root

        // 3. Issuer.
        if let responseIssuer = message.firstChild(named: "Issuer", namespace: SAMLNamespace.assertion)?.textContent,
            responseIssuer != issuer
        {
            throw fail(.issuerMismatch, "Response Issuer is \(responseIssuer), expected \(issuer)")
        }
        let assertionIssuer = trusted.firstChild(named: "Issuer", namespace: SAMLNamespace.assertion)?.textContent
        guard assertionIssuer == issuer else {
            throw fail(.issuerMismatch, "Assertion Issuer is \(assertionIssuer ?? "absent"), expected \(issuer)")
        }

        // 4. Status.
        guard Self.statusCode(message) == SAMLNamespace.statusSuccess else {
            throw fail(.statusNotSuccess, Self.statusDetail(message))
        }

        // 5. Destination.
        if let destination = message.attribute("Destination") {
            guard destination == policy.assertionConsumerServiceURL else {
                throw fail(.destinationMismatch, "Destination is \(destination), expected \(policy.assertionConsumerServiceURL)")
            }
        } else if verifiedResponse != nil {
            throw fail(.destinationMissing, "the Response is signed but has no Destination")
        }

        // 6. InResponseTo.
        let inResponseTo = message.attribute("InResponseTo")
        try checkInResponseTo(inResponseTo, expected: expectedRequestID, issuer: issuer)

        // 7. Conditions, 8. SubjectConfirmation.
        let window = try checkConditions(trusted, now: now, issuer: issuer)
        let confirmationExpiry = try checkSubjectConfirmation(trusted, inResponseTo: inResponseTo, now: now, issuer: issuer)

        // 9. Replay: remember the ID as long as any part of the assertion could still be accepted.
        guard let id = trusted.attribute("ID"), !id.isEmpty else {
            throw fail(.malformed, "the Assertion has no ID")
        }
        let expiry = [window, confirmationExpiry].compactMap { $0 }.max() ?? now.addingTimeInterval(3600)
        let replayExpiry = expiry.addingTimeInterval(policy.skewSeconds)
        let fresh: Bool
        do {
            fresh = try await replayCache.remember(id: issuer + " " + id, until: replayExpiry, now: now)
        } catch {
            throw fail(.replayed, "the replay cache could not be consulted, so the assertion is refused: \(error)")
        }
        guard fresh else { throw fail(.replayed, "assertion \(id) was already used") }

        // 10. Identity.
        var identity = try IdentityReader.read(trusted, issuer: issuer, assertionID: id)
        identity.replayExpiry = replayExpiry
        return identity
    }

    /// Step 6. An unsolicited response is one that names no request; one that names a
    /// request must name the pending one. A response answering some other request (another
    /// browser's login, captured or phished) is never taken for an IdP-initiated one, even
    /// where those are allowed.
    func checkInResponseTo(_ value: String?, expected: String?, issuer: String) throws(SAMLValidationError) {
        switch (value, expected) {
        case (let value?, let expected?) where value != expected:
            throw SAMLValidationError(code: .inResponseToMismatch, detail: "InResponseTo is \(value), expected \(expected)", issuer: issuer)
        case (let value?, nil):
            throw SAMLValidationError(
                code: .inResponseToMismatch, detail: "InResponseTo is \(value), but no request is pending", issuer: issuer)
        case (nil, _):
            guard policy.allowsUnsolicited else {
                throw SAMLValidationError(
                    code: .unsolicitedNotAllowed, detail: "the response answers no request and unsolicited responses are not allowed",
                    issuer: issuer)
            }
        default:
            break
        }
    }

    static func statusCode(_ response: XMLElement) -> String? {
        response.firstChild(named: "Status", namespace: SAMLNamespace.samlp)?
            .firstChild(named: "StatusCode", namespace: SAMLNamespace.samlp)?.attribute("Value")
    }

    static func statusDetail(_ response: XMLElement) -> String {
        let status = response.firstChild(named: "Status", namespace: SAMLNamespace.samlp)
        let top = status?.firstChild(named: "StatusCode", namespace: SAMLNamespace.samlp)
        var detail = "status \(top?.attribute("Value") ?? "absent")"
        if let second = top?.firstChild(named: "StatusCode", namespace: SAMLNamespace.samlp)?.attribute("Value") {
            detail += " / \(second)"
        }
        if let message = status?.firstChild(named: "StatusMessage", namespace: SAMLNamespace.samlp)?.textContent {
            detail += ": \(message.prefix(200))"
        }
        return detail
    }
}
