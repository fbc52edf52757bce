/// When the gateway signs its AuthnRequests to an IdP.
public enum AuthnRequestSigning: String, Sendable, Equatable, Decodable {
    /// Always (an SP key pair must be configured).
    case always
    /// Only when the IdP's metadata says `WantAuthnRequestsSigned="true"`.
    case whenAsked = "when_asked"
}
