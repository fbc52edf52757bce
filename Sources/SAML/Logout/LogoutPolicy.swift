public import XMLSecurity

/// Who we are in Single Logout and what we demand of an IdP's logout messages. Built from
/// config and passed in; never global.
///
/// Defaults are the safe choice: a signature on every message, Destination required on the
/// front channel, SHA-2 only, 90 s clock skew, messages at most five minutes old.
public struct LogoutPolicy: Sendable {
    /// Our SP entity ID: the Issuer of what we send.
    public var entityID: String
    /// Our front-channel SingleLogoutService URL (HTTP-Redirect and HTTP-POST), from the
    /// configured external base URL: a received Destination must equal it.
    public var singleLogoutServiceURL: String
    /// Our SOAP SingleLogoutService URL: a Destination on a back-channel request must equal it.
    public var soapSingleLogoutServiceURL: String?
    /// Tolerance for NotOnOrAfter and IssueInstant.
    public var clockSkew: Duration = .seconds(90)
    /// How old (by IssueInstant) a received message may be, clock skew aside. Logout messages
    /// travel straight from their sender, so minutes are plenty.
    public var maximumMessageAge: Duration = .seconds(300)
    /// How long a LogoutRequest we send stays valid (its NotOnOrAfter).
    public var requestLifetime: Duration = .seconds(300)
    /// Accept RSA-SHA1 signatures and SHA-1 digests.
    public var allowsSHA1 = false
    /// The SP's keys for an EncryptedID (several during rollover); empty refuses EncryptedID.
    public var decryptionKeys: [DecryptionKey] = []
    /// Which encryption algorithms beyond GCM/OAEP are accepted.
    public var decryptionOptions = DecryptionOptions()
    /// Size and depth limits of the XML parser (and of inflated HTTP-Redirect messages).
    public var parseLimits = ParseLimits()
    /// Front-channel bindings for what we send, most preferred first.
    public var preferredBindings = [SAMLBinding.httpRedirect, SAMLBinding.httpPOST]

    /// A policy with the safe defaults.
    public init(entityID: String, singleLogoutServiceURL: String, soapSingleLogoutServiceURL: String? = nil) {
        self.entityID = entityID
        self.singleLogoutServiceURL = singleLogoutServiceURL
        self.soapSingleLogoutServiceURL = soapSingleLogoutServiceURL
    }

    var skewSeconds: Double { Self.seconds(clockSkew) }
    var maximumAgeSeconds: Double { Self.seconds(maximumMessageAge) }
    var requestLifetimeSeconds: Double { Self.seconds(requestLifetime) }
    var verificationOptions: VerificationOptions { VerificationOptions(allowsSHA1: allowsSHA1) }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
