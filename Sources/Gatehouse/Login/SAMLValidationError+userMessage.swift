import SAML

extension SAMLValidationError.Code {
    /// A short sentence for the error page: what happened and what to do. The switch is
    /// exhaustive so that a new check cannot ship without its sentence.
    var userMessage: String {
        switch self {
        case .tooLarge, .doctypeForbidden, .malformed, .multipleAssertions, .assertionMissing, .nameIDMissing,
            .bearerConfirmationMissing:
            "The sign-in response from your identity provider was not in a form we accept. Try again; if it keeps happening, contact your administrator."
        case .decryptionFailed:
            "The sign-in response could not be decrypted. Your administrator needs to check the encryption certificate registered at the identity provider."
        case .unknownIssuer, .issuerMismatch:
            "The sign-in response came from an identity provider this application does not trust. Start again from the application."
        case .signatureMissing, .signatureInvalid, .untrustedKey, .weakAlgorithm:
            "The sign-in response was not signed the way your identity provider's registration requires, so it was refused. Contact your administrator."
        case .statusNotSuccess:
            "Your identity provider did not sign you in. Try again, or contact your administrator if you should have access."
        case .destinationMismatch, .destinationMissing, .recipientMismatch, .audienceMismatch:
            "The sign-in response was meant for a different application. Your administrator needs to check the identity provider's settings for this application."
        case .inResponseToMismatch, .confirmationInResponseToMismatch, .unsolicitedNotAllowed:
            "The sign-in response does not answer a sign-in started here. Start again from the application."
        case .notYetValid, .expired, .confirmationExpired:
            "The sign-in response has expired or is not valid yet. Start again; if it keeps happening, the clocks of the identity provider and this gateway may disagree."
        case .replayed:
            "This sign-in response was already used. Start again from the application."
        }
    }
}
