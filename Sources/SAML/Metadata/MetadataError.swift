/// Why a metadata document was refused.
public struct MetadataError: Error, Sendable, CustomStringConvertible {
    /// The rule that failed. Raw values are stable.
    public enum Code: String, Sendable, CaseIterable {
        /// Not well-formed, has a DOCTYPE, too large, or not SAML metadata.
        case malformed
        /// The document's own signature is missing or does not verify with the configured key.
        case signatureInvalid
        /// A certificate in a KeyDescriptor cannot be parsed.
        case invalidCertificate
        /// The entity has no IDPSSODescriptor.
        case noIdentityProvider
        /// No entity with the requested entity ID.
        case entityNotFound
    }

    /// The rule that failed.
    public var code: Code
    /// What was expected and found, for a log line.
    public var detail: String

    /// Creates an error.
    public init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    /// `code: detail`.
    public var description: String { "\(code.rawValue): \(detail)" }
}
