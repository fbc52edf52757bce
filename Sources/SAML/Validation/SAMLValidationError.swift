/// Why a SAML message was rejected. Tests, log fields and metric labels use `code.rawValue`.
public struct SAMLValidationError: Error, Sendable, CustomStringConvertible {
    /// The check that failed, in DESIGN.md's order. Raw values are stable.
    public enum Code: String, Sendable, CaseIterable, Codable {
        // 1. Size, encoding, parsing, shape
        /// The message is larger than the configured limit.
        case tooLarge
        /// The XML carries a DOCTYPE.
        case doctypeForbidden
        /// Not base64, not well-formed XML, too deep, or not a `samlp:Response`.
        case malformed
        /// More than one Assertion or EncryptedAssertion anywhere in the message.
        case multipleAssertions
        /// No Assertion at all in a Success response.
        case assertionMissing
        /// The EncryptedAssertion does not decrypt with any of our keys.
        case decryptionFailed
        // 2. Signature
        /// The Issuer names no IdP we know.
        case unknownIssuer
        /// A required signature is absent.
        case signatureMissing
        /// A signature is present but does not verify or breaks the signature profile.
        case signatureInvalid
        /// Signed by a key that is not among the IdP's metadata certificates (or the IdP has none).
        case untrustedKey
        /// Signed or encrypted with an algorithm that is not allowed (SHA-1, MD5, CBC, RSA 1.5).
        case weakAlgorithm
        // 3. Issuer
        /// Response or Assertion Issuer differs from the IdP's entity ID.
        case issuerMismatch
        // 4. Status
        /// The IdP reports a status other than Success.
        case statusNotSuccess
        // 5. Destination
        /// Destination is not our ACS URL.
        case destinationMismatch
        /// A signed Response has no Destination.
        case destinationMissing
        // 6. InResponseTo
        /// InResponseTo does not name the pending request, or names one when none is pending.
        case inResponseToMismatch
        /// The response answers no request and unsolicited responses are not allowed.
        case unsolicitedNotAllowed
        // 7. Conditions
        /// Conditions NotBefore is still in the future (beyond the clock skew).
        case notYetValid
        /// Conditions NotOnOrAfter has passed (beyond the clock skew).
        case expired
        /// No AudienceRestriction names our entity ID.
        case audienceMismatch
        // 8. SubjectConfirmation
        /// No bearer SubjectConfirmation.
        case bearerConfirmationMissing
        /// SubjectConfirmationData Recipient is not our ACS URL.
        case recipientMismatch
        /// SubjectConfirmationData NotOnOrAfter has passed.
        case confirmationExpired
        /// SubjectConfirmationData InResponseTo differs from the pending request.
        case confirmationInResponseToMismatch
        // 9. Replay
        /// The Assertion ID was seen before (or the replay cache could not be asked: fail closed).
        case replayed
        // 10. Identity
        /// The Subject carries no NameID.
        case nameIDMissing
    }

    /// The check that failed.
    public var code: Code
    /// Expected vs. received, for the log. Never key material or the whole assertion.
    public var detail: String
    /// The IdP the message claimed to come from, once known.
    public var issuer: String?

    /// Creates an error for `code`.
    public init(code: Code, detail: String, issuer: String? = nil) {
        self.code = code
        self.detail = detail
        self.issuer = issuer
    }

    /// `code: detail`, one line for a log.
    public var description: String { "\(code.rawValue): \(detail)" }
}
