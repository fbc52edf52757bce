import XMLSecurity

extension ResponseValidator {
    /// Verifies the element's enveloped signature if it has one. Returns the verified element,
    /// nil when unsigned and not required; throws when a present signature is bad.
    func verifySignature(of element: XMLElement, idp: IdentityProvider, required: Bool) throws(SAMLValidationError) -> XMLElement? {
        guard !element.children(named: "Signature", namespace: SAMLNamespace.xmldsig).isEmpty else {
            if required {
                throw SAMLValidationError(
                    code: .signatureMissing, detail: "the \(element.localName) must be signed but carries no signature",
                    issuer: idp.entityID)
            }
            return nil
        }
        do {
            return try SignatureVerifier.verify(element, trustedKeys: idp.signingKeys, options: policy.verificationOptions).element
        } catch {
            var mapped = SAMLValidationError(error, issuer: idp.entityID)
            mapped.detail = "\(element.localName) signature: \(mapped.detail)"
            throw mapped
        }
    }

    /// The assertion to check: the plain child of the (verified, if signed) Response, or the
    /// decrypted content of the EncryptedAssertion.
    func assertionElement(_ container: XMLElement, verifiedResponse: XMLElement?, issuer: String) throws(SAMLValidationError) -> XMLElement
    {
        // Take the child of the verified element when there is one; it is the same node the
        // parser found, and reading through the verified element keeps that explicit.
        let source = verifiedResponse.flatMap { response in response.children.first { $0 == container } } ?? container
        guard source.isNamed("EncryptedAssertion", namespace: SAMLNamespace.assertion) else { return source }
        let decrypted: XMLElement
        do {
            decrypted = try Decryptor.decrypt(
                source, keys: policy.decryptionKeys, options: policy.decryptionOptions, limits: policy.parseLimits)
        } catch {
            throw SAMLValidationError(error, issuer: issuer)
        }
        guard decrypted.isNamed("Assertion", namespace: SAMLNamespace.assertion) else {
            throw SAMLValidationError(
                code: .malformed, detail: "EncryptedAssertion decrypts to <\(decrypted.localName)>, not an Assertion", issuer: issuer)
        }
        let nested =
            decrypted.descendants(named: "Assertion", namespace: SAMLNamespace.assertion).count
            + decrypted.descendants(named: "EncryptedAssertion", namespace: SAMLNamespace.assertion).count
        guard nested == 0 else {
            throw SAMLValidationError(
                code: .multipleAssertions, detail: "the decrypted assertion holds \(nested) more assertions", issuer: issuer)
        }
        return decrypted
    }
}
