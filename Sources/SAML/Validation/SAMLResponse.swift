public import XMLSecurity

/// A posted `samlp:Response`, parsed safely and checked for shape (DESIGN.md step 1).
/// Nothing in it is trusted yet; ``issuer`` only chooses which IdP's keys to verify with.
public struct SAMLResponse: Sendable {
    /// The `samlp:Response` element.
    public let root: XMLElement
    /// The unverified Issuer (the Response's, else the Assertion's), for choosing the IdP.
    public let issuer: String?

    /// Parses the `SAMLResponse` form field as posted: base64 (line breaks allowed) or raw XML.
    public init(posted text: String, limits: ParseLimits = ParseLimits()) throws(SAMLValidationError) {
        // Base64 grows the input by 4/3; refuse before decoding anything oversized.
        guard text.utf8.count <= limits.maxBytes / 3 * 4 + 4096 else {
            throw SAMLValidationError(
                code: .tooLarge, detail: "posted message is \(text.utf8.count) bytes; the limit is \(limits.maxBytes) decoded")
        }
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.hasPrefix("<") {
            try self.init(xml: Array(text.utf8), limits: limits)
        } else {
            guard let bytes = Base64Text.decode(text), !bytes.isEmpty else {
                throw SAMLValidationError(code: .malformed, detail: "the message is neither base64 nor XML")
            }
            try self.init(xml: bytes, limits: limits)
        }
    }

    /// Parses XML bytes.
    public init(xml bytes: [UInt8], limits: ParseLimits = ParseLimits()) throws(SAMLValidationError) {
        let document: XMLDocument
        do {
            document = try XMLDocument(parsing: bytes, limits: limits)
        } catch {
            throw SAMLValidationError(error)
        }
        let root = document.root
        guard root.isNamed("Response", namespace: SAMLNamespace.samlp) else {
            throw SAMLValidationError(
                code: .malformed,
                detail: "root is {\(root.namespaceURI ?? "")}\(root.localName), expected samlp:Response")
        }
        // Count everywhere, not only children: wrapping attacks hide assertions in Extensions,
        // Advice, ds:Object and other assertions.
        let count = root.descendantCount(namedAnyOf: ["Assertion", "EncryptedAssertion"], namespace: SAMLNamespace.assertion)
        let responseIssuer = root.firstChild(named: "Issuer", namespace: SAMLNamespace.assertion)?.textContent
        guard count <= 1 else {
            throw SAMLValidationError(
                code: .multipleAssertions, detail: "the response holds \(count) assertions; exactly one is allowed", issuer: responseIssuer)
        }
        let assertion =
            root.firstChild(named: "Assertion", namespace: SAMLNamespace.assertion)
            ?? root.firstChild(named: "EncryptedAssertion", namespace: SAMLNamespace.assertion)
        if count == 1, assertion == nil {
            throw SAMLValidationError(code: .malformed, detail: "the assertion is not a child of the Response", issuer: responseIssuer)
        }
        self.root = root
        self.issuer =
            responseIssuer
            ?? assertion?.firstChild(named: "Issuer", namespace: SAMLNamespace.assertion)?.textContent
    }

    /// The top-level StatusCode value, if any.
    var statusCode: String? {
        root.firstChild(named: "Status", namespace: SAMLNamespace.samlp)?
            .firstChild(named: "StatusCode", namespace: SAMLNamespace.samlp)?.attribute("Value")
    }

    /// The single Assertion or EncryptedAssertion child, if any.
    var assertionChild: XMLElement? {
        root.firstChild(named: "Assertion", namespace: SAMLNamespace.assertion)
            ?? root.firstChild(named: "EncryptedAssertion", namespace: SAMLNamespace.assertion)
    }

    /// The content-encryption algorithm URI of the EncryptedAssertion, nil when the
    /// assertion is not encrypted ("" when it names none). Read before decryption, to choose
    /// how a failure is reported; never a reason to accept anything.
    public var assertionEncryptionAlgorithm: String? {
        guard let encrypted = root.firstChild(named: "EncryptedAssertion", namespace: SAMLNamespace.assertion) else { return nil }
        let data = encrypted.firstChild(named: "EncryptedData", namespace: XMLEnc.namespace)
        return data?.firstChild(named: "EncryptionMethod", namespace: XMLEnc.namespace)?.attribute("Algorithm") ?? ""
    }
}
