public import XMLSecurity

/// What we demand of one IdP's responses. Built from config and passed in; never global.
///
/// Defaults are the safe choice; each IdP loosens them explicitly.
public struct ValidationPolicy: Sendable {
    /// Our SP entity ID: the Audience every assertion must name.
    public var audience: String
    /// Our ACS URL, from the configured external base URL: Destination and Recipient must equal it.
    public var assertionConsumerServiceURL: String
    /// Tolerance for NotBefore / NotOnOrAfter.
    public var clockSkew: Duration = .seconds(90)
    /// Accept responses that answer no AuthnRequest (IdP-initiated login: no InResponseTo on
    /// the Response or its SubjectConfirmationData). A response naming a request must still
    /// name the pending one.
    public var allowsUnsolicited = false
    /// Accept RSA-SHA1 signatures and SHA-1 digests.
    public var allowsSHA1 = false
    /// Demand a valid signature on the Assertion itself.
    public var requiresSignedAssertion = false
    /// Demand a valid signature on the Response.
    public var requiresSignedResponse = false
    /// The SP's keys for EncryptedAssertion (several during rollover).
    public var decryptionKeys: [DecryptionKey] = []
    /// Which encryption algorithms beyond GCM/OAEP are accepted.
    public var decryptionOptions = DecryptionOptions()
    /// Size and depth limits of the XML parser (the size limit applies to the decoded XML).
    public var parseLimits = ParseLimits()

    /// A policy with the safe defaults: either signature accepted as long as it covers the
    /// assertion, no SHA-1, no unsolicited responses, 90 s clock skew.
    public init(audience: String, assertionConsumerServiceURL: String) {
        self.audience = audience
        self.assertionConsumerServiceURL = assertionConsumerServiceURL
    }

    var skewSeconds: Double {
        let (seconds, attoseconds) = clockSkew.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    var verificationOptions: VerificationOptions { VerificationOptions(allowsSHA1: allowsSHA1) }
}
