public import Foundation
import XMLSecurity

/// Validates an IdP's LogoutRequest or LogoutResponse (Profiles §4.4) in DESIGN.md's order:
/// shape, signature by the IdP's metadata keys, Issuer, Destination, InResponseTo, time, replay,
/// then the principal. A signature is always required, on every binding.
///
/// Security rule, as in ``ResponseValidator``: everything is read from the element whose
/// signature verified (HTTP-Redirect: the whole inflated message the query signature covers;
/// HTTP-POST and SOAP: the element ``SignatureVerifier`` returned), never from a fresh search.
public struct LogoutValidator: Sendable {
    /// Who we are and what we demand.
    public var policy: LogoutPolicy

    /// A validator for one policy.
    public init(policy: LogoutPolicy) {
        self.policy = policy
    }

    /// Validates an IdP-initiated LogoutRequest from a registered IdP. `identityProvider` finds
    /// an IdP by entity ID (nil: not registered); `replayCache` remembers the request's
    /// issuer and ID until it could no longer be accepted.
    public func validateRequest(
        _ message: InboundLogoutMessage, identityProvider: (String) -> IdentityProvider?, replayCache: any ReplayCache, now: Date
    ) async throws(SAMLValidationError) -> ValidatedLogoutRequest {
        // 1. Shape, and the (unverified) Issuer only to choose whose keys to verify with.
        let root = try shape(message, expected: .request, name: "LogoutRequest")
        guard let claimed = LogoutRequest.issuer(of: root), !claimed.isEmpty else {
            throw SAMLValidationError(code: .unknownIssuer, detail: "the LogoutRequest names no Issuer")
        }
        guard let idp = identityProvider(claimed) else {
            throw SAMLValidationError(code: .unknownIssuer, detail: "no IdP with entity ID \(claimed) is registered", issuer: claimed)
        }
        let issuer = idp.entityID

        // 2. Signature; 3. Issuer, read again from the verified element.
        let element = try verified(root, message: message, idp: idp)
        try checkIssuer(element, idp: idp)

        // 4. Destination.
        try checkDestination(element, binding: message.binding, issuer: issuer)

        // 5. Time: NotOnOrAfter, IssueInstant.
        let issueInstant = try checkIssueInstant(element, now: now, issuer: issuer)
        var acceptedUntil = issueInstant.addingTimeInterval(policy.maximumAgeSeconds + policy.skewSeconds)
        if let text = element.attribute("NotOnOrAfter") {
            guard let notOnOrAfter = SAMLInstant.parse(text) else {
                throw SAMLValidationError(code: .malformed, detail: "LogoutRequest NotOnOrAfter is not a dateTime", issuer: issuer)
            }
            guard now.addingTimeInterval(-policy.skewSeconds) < notOnOrAfter else {
                throw SAMLValidationError(
                    code: .expired,
                    detail: "LogoutRequest NotOnOrAfter is \(text), now is \(SAMLInstant.format(now)) (skew \(Int(policy.skewSeconds)) s)",
                    issuer: issuer)
            }
            acceptedUntil = min(acceptedUntil, notOnOrAfter.addingTimeInterval(policy.skewSeconds))
        }

        // 6. Replay: each (issuer, ID) once, for as long as the request could be accepted.
        let id = element.attribute("ID") ?? ""
        let fresh: Bool
        do {
            fresh = try await replayCache.remember(id: "LogoutRequest \(issuer) \(id)", until: acceptedUntil, now: now)
        } catch {
            throw SAMLValidationError(
                code: .replayed, detail: "the replay cache could not be consulted, so the LogoutRequest is refused: \(error)",
                issuer: issuer)
        }
        guard fresh else {
            throw SAMLValidationError(code: .replayed, detail: "LogoutRequest \(id) was already received", issuer: issuer)
        }

        // 7. The principal: NameID, or the NameID an EncryptedID decrypts to.
        let identifier = try LogoutRequest.identifier(of: element, issuer: issuer)
        let nameID =
            try identifier.isNamed("EncryptedID", namespace: SAMLNamespace.assertion) ? decrypt(identifier, issuer: issuer) : identifier
        let request = try LogoutRequest(element: element, nameID: nameID)
        return ValidatedLogoutRequest(request: request, identityProvider: idp, binding: message.binding, relayState: message.relayState)
    }

    /// Validates the IdP's LogoutResponse to our LogoutRequest `expectedRequestID`, sent to
    /// `idp` (the pending logout remembers both). The result says whether the IdP signed the
    /// user out everywhere; a failure status is a result, not an error, because the message is
    /// authentic.
    public func validateResponse(
        _ message: InboundLogoutMessage, from idp: IdentityProvider, expectedRequestID: String, now: Date
    ) throws(SAMLValidationError) -> LogoutResult {
        let issuer = idp.entityID
        // 1. Shape; 2. signature by the expected IdP; 3. Issuer.
        let root = try shape(message, expected: .response, name: "LogoutResponse")
        let element = try verified(root, message: message, idp: idp)
        try checkIssuer(element, idp: idp)
        // 4. Destination; 5. InResponseTo.
        try checkDestination(element, binding: message.binding, issuer: issuer)
        let inResponseTo = element.attribute("InResponseTo")
        guard inResponseTo == expectedRequestID else {
            throw SAMLValidationError(
                code: .inResponseToMismatch, detail: "InResponseTo is \(inResponseTo ?? "absent"), expected \(expectedRequestID)",
                issuer: issuer)
        }
        // 6. Time. The pending logout is used once, which is what keeps a response from replaying.
        _ = try checkIssueInstant(element, now: now, issuer: issuer)
        // 7. Status.
        return LogoutResult(response: try LogoutResponse(element: element))
    }
}

extension LogoutValidator {
    /// The root element, if it is the expected message over the parameter that matches it.
    private func shape(_ message: InboundLogoutMessage, expected: HTTPRedirectBinding.Parameter, name: String) throws(SAMLValidationError)
        -> XMLElement
    {
        let root = message.element
        guard message.kind == expected, root.isNamed(name, namespace: SAMLNamespace.samlp) else {
            throw SAMLValidationError(
                code: .malformed,
                detail: "\(message.kind.rawValue) carries {\(root.namespaceURI ?? "")}\(root.localName), expected samlp:\(name)",
                issuer: LogoutRequest.issuer(of: root))
        }
        guard root.attribute("Version") == "2.0" else {
            throw SAMLValidationError(
                code: .malformed, detail: "\(name) Version is \(root.attribute("Version") ?? "absent"), expected 2.0",
                issuer: LogoutRequest.issuer(of: root))
        }
        guard let id = root.attribute("ID"), !id.isEmpty, root.attribute("IssueInstant") != nil else {
            throw SAMLValidationError(code: .malformed, detail: "\(name) lacks ID or IssueInstant", issuer: LogoutRequest.issuer(of: root))
        }
        return root
    }

    /// The element to read from, once its signature verified with one of the IdP's keys.
    private func verified(_ root: XMLElement, message: InboundLogoutMessage, idp: IdentityProvider) throws(SAMLValidationError)
        -> XMLElement
    {
        if let redirect = message.redirect {
            // The query signature covers the whole deflated message, so the root is what was signed.
            try redirect.verifySignature(trustedKeys: idp.signingKeys, options: policy.verificationOptions, issuer: idp.entityID)
            return root
        }
        guard !root.children(named: "Signature", namespace: SAMLNamespace.xmldsig).isEmpty else {
            throw SAMLValidationError(code: .signatureMissing, detail: "the \(root.localName) carries no signature", issuer: idp.entityID)
        }
        do {
            return try SignatureVerifier.verify(root, trustedKeys: idp.signingKeys, options: policy.verificationOptions).element
        } catch {
            var mapped = SAMLValidationError(error, issuer: idp.entityID)
            mapped.detail = "\(root.localName) signature: \(mapped.detail)"
            throw mapped
        }
    }

    private func checkIssuer(_ element: XMLElement, idp: IdentityProvider) throws(SAMLValidationError) {
        let issuer = LogoutRequest.issuer(of: element)
        guard issuer == idp.entityID else {
            throw SAMLValidationError(
                code: .issuerMismatch, detail: "\(element.localName) Issuer is \(issuer ?? "absent"), expected \(idp.entityID)",
                issuer: idp.entityID)
        }
    }

    /// A signed front-channel message must name the URL it was sent to (Bindings §3.4.5.2,
    /// §3.5.5.2); on the back channel Destination is optional but must be right when present.
    private func checkDestination(_ element: XMLElement, binding: InboundLogoutMessage.Binding, issuer: String)
        throws(SAMLValidationError)
    {
        let expected =
            binding == .soap ? policy.soapSingleLogoutServiceURL ?? policy.singleLogoutServiceURL : policy.singleLogoutServiceURL
        guard let destination = element.attribute("Destination") else {
            guard binding == .soap else {
                throw SAMLValidationError(
                    code: .destinationMissing, detail: "the signed \(element.localName) has no Destination", issuer: issuer)
            }
            return
        }
        guard destination == expected else {
            throw SAMLValidationError(
                code: .destinationMismatch, detail: "Destination is \(destination), expected \(expected)", issuer: issuer)
        }
    }

    /// IssueInstant within the clock skew of now, and at most the maximum age in the past.
    private func checkIssueInstant(_ element: XMLElement, now: Date, issuer: String) throws(SAMLValidationError) -> Date {
        let text = element.attribute("IssueInstant") ?? ""
        guard let instant = SAMLInstant.parse(text) else {
            throw SAMLValidationError(code: .malformed, detail: "\(element.localName) IssueInstant is not a dateTime", issuer: issuer)
        }
        let skew = policy.skewSeconds
        guard instant <= now.addingTimeInterval(skew) else {
            throw SAMLValidationError(
                code: .notYetValid,
                detail: "\(element.localName) IssueInstant is \(text), now is \(SAMLInstant.format(now)) (skew \(Int(skew)) s)",
                issuer: issuer)
        }
        guard instant >= now.addingTimeInterval(-(policy.maximumAgeSeconds + skew)) else {
            throw SAMLValidationError(
                code: .expired,
                detail:
                    "\(element.localName) IssueInstant is \(text), older than \(Int(policy.maximumAgeSeconds)) s (+\(Int(skew)) s skew) at \(SAMLInstant.format(now))",
                issuer: issuer)
        }
        return instant
    }

    /// The NameID inside an EncryptedID, decrypted with the SP's keys (Core §2.2.4).
    private func decrypt(_ encryptedID: XMLElement, issuer: String) throws(SAMLValidationError) -> XMLElement {
        let decrypted: XMLElement
        do {
            decrypted = try Decryptor.decrypt(
                encryptedID, keys: policy.decryptionKeys, options: policy.decryptionOptions, limits: policy.parseLimits)
        } catch {
            var mapped = SAMLValidationError(error, issuer: issuer)
            mapped.detail = "EncryptedID: \(mapped.detail)"
            throw mapped
        }
        guard decrypted.isNamed("NameID", namespace: SAMLNamespace.assertion) else {
            throw SAMLValidationError(
                code: .nameIDMissing, detail: "EncryptedID decrypts to <\(decrypted.localName)>, not a NameID", issuer: issuer)
        }
        return decrypted
    }
}
