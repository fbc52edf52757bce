/// Why an XML-security operation refused its input. Raw values are stable: tests and log fields use them.
public struct XMLSecurityError: Error, Sendable, CustomStringConvertible {
    /// The rule that failed.
    public enum Code: String, Sendable, CaseIterable {
        // Parsing
        case tooLarge
        case doctypeForbidden
        case tooDeep
        case malformed
        // Library
        case libraryMismatch
        case libraryFailure
        // Signature verification
        case signatureMissing
        case multipleSignatures
        case malformedSignature
        case multipleReferences
        case referenceMismatch
        case missingID
        case duplicateID
        case transformNotAllowed
        case algorithmNotAllowed
        case digestMismatch
        case signatureMismatch
        case untrustedKey
        case noTrustedKeys
        // Keys
        case invalidKey
        // Decryption
        case encryptionAlgorithmNotAllowed
        case decryptionFailed
        // Signing
        case signingFailed
    }

    /// The rule that failed.
    public var code: Code
    /// What was expected and what was found, for a log line. Never key material.
    public var detail: String

    /// Creates an error for `code` with a log-fit detail.
    public init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
