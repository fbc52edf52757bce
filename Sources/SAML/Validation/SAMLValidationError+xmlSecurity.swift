public import XMLSecurity

extension SAMLValidationError {
    /// Where an `XMLSecurityError` enters SAML it becomes the code of the check it failed.
    public init(_ error: XMLSecurityError, issuer: String? = nil) {
        let code: Code
        switch error.code {
        case .tooLarge: code = .tooLarge
        case .doctypeForbidden: code = .doctypeForbidden
        case .tooDeep, .malformed, .libraryMismatch, .libraryFailure, .invalidKey, .signingFailed: code = .malformed
        case .signatureMissing: code = .signatureMissing
        case .multipleSignatures, .malformedSignature, .multipleReferences, .referenceMismatch, .missingID,
            .duplicateID, .transformNotAllowed, .digestMismatch, .signatureMismatch:
            code = .signatureInvalid
        case .algorithmNotAllowed, .encryptionAlgorithmNotAllowed: code = .weakAlgorithm
        case .untrustedKey, .noTrustedKeys: code = .untrustedKey
        case .decryptionFailed: code = .decryptionFailed
        }
        self.init(code: code, detail: "\(error.code.rawValue): \(error.detail)", issuer: issuer)
    }
}
