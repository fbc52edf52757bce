public import HTTPTypes
public import SAML

extension LoginFailure {
    /// The check that failed: one of the SAML module's, or one of Gatehouse's own around it.
    ///
    /// Status and sentence come from exhaustive switches, so a new code cannot ship without
    /// both. ``name`` is the stable string for metric labels, log fields and the page.
    public enum Code: Sendable, Hashable, CustomStringConvertible {
        /// The SAML message failed one of the validator's checks.
        case saml(SAMLValidationError.Code)
        /// `?idp=` or the login names no registered IdP.
        case unknownIdP
        /// The IdP publishes no HTTP-Redirect SingleSignOnService.
        case noRedirectEndpoint
        /// The IdP wants signed AuthnRequests and no SP key is configured.
        case signingKeyMissing
        /// The AuthnRequest could not be encoded or signed.
        case requestEncodingFailed
        /// The ACS post is unreadable, too large, or has no `SAMLResponse`.
        case malformedRequest
        /// A response with no RelayState of ours while unsolicited responses are off.
        case unsolicited
        /// The RelayState names no pending login (expired, used, or never ours).
        case unknownRelayState
        /// The pending login belongs to another browser (its binding cookie differs).
        case browserMismatch
        /// The session, pending-login or replay store could not be reached.
        case storeUnavailable
        /// The IdP's metadata is past its `validUntil`; it is not trusted until a fresh copy arrives.
        case metadataExpired
        /// The IdP's metadata had to be fetched from an MDQ service, and the service did not
        /// give a usable, verified copy (unreachable, refused, bad signature, too many queries).
        case metadataUnavailable
        /// The login's AuthnContextClassRef is not one the IdP's `requested_authn_context` lists.
        case authnContextNotAccepted
        /// An encrypted response from an IdP with AES-CBC enabled was refused. Every failure
        /// from decryption on has this one code, status and sentence (the check that failed
        /// goes to the log only), so the answers are no padding oracle.
        case encryptedResponseRejected
        /// The login links to a provisioned user whom SCIM has deactivated (`active: false`).
        case accountDeactivated
        /// `scim.provisioned_users_only` is on and the login links to no provisioned user.
        case accountNotProvisioned

        /// The stable name: the SAML check's raw value, or Gatehouse's own code.
        public var name: String {
            switch self {
            case .saml(let code): code.rawValue
            case .unknownIdP: "unknownIdP"
            case .noRedirectEndpoint: "noRedirectEndpoint"
            case .signingKeyMissing: "signingKeyMissing"
            case .requestEncodingFailed: "requestEncodingFailed"
            case .malformedRequest: "malformedRequest"
            case .unsolicited: "unsolicited"
            case .unknownRelayState: "unknownRelayState"
            case .browserMismatch: "browserMismatch"
            case .storeUnavailable: "storeUnavailable"
            case .metadataExpired: "metadataExpired"
            case .metadataUnavailable: "metadataUnavailable"
            case .authnContextNotAccepted: "authnContextNotAccepted"
            case .encryptedResponseRejected: "encryptedResponseRejected"
            case .accountDeactivated: "accountDeactivated"
            case .accountNotProvisioned: "accountNotProvisioned"
            }
        }

        public var description: String { name }

        /// The status of the error page.
        public var status: HTTPResponse.Status {
            switch self {
            case .saml, .unsolicited, .unknownRelayState, .browserMismatch, .authnContextNotAccepted, .encryptedResponseRejected,
                .accountDeactivated, .accountNotProvisioned:
                .forbidden
            case .unknownIdP, .malformedRequest: .badRequest
            case .noRedirectEndpoint, .signingKeyMissing, .requestEncodingFailed: .internalServerError
            case .storeUnavailable, .metadataExpired, .metadataUnavailable: .serviceUnavailable
            }
        }

        /// A short sentence for the error page: what happened and what to do.
        public var userMessage: String {
            switch self {
            case .saml(let code): code.userMessage
            case .unknownIdP: "The sign-in option you picked is not configured here. Go back and choose another."
            case .noRedirectEndpoint: "This identity provider cannot be reached for sign-in. Contact your administrator."
            case .signingKeyMissing:
                "Sign-in is not set up completely for this identity provider. Contact your administrator."
            case .requestEncodingFailed: "Sign-in could not be started. Try again."
            case .malformedRequest: "The sign-in response was missing, incomplete or too large. Start again from the application."
            case .unsolicited: "Sign-in must start from this site. Open the application and sign in from there."
            case .unknownRelayState: "This sign-in attempt expired or was already completed."
            case .browserMismatch: "Sign-in must finish in the browser that started it."
            case .storeUnavailable: "Sign-in is unavailable right now. Try again in a few minutes."
            case .metadataExpired:
                "The trust information for this identity provider has expired, so sign-in with it is refused. Contact your administrator."
            case .metadataUnavailable:
                "The trust information for this identity provider could not be fetched. Try again in a few minutes; if it keeps failing, contact your administrator."
            case .authnContextNotAccepted:
                "Your identity provider signed you in with a method this site does not accept. Sign in again with the stronger method, or contact your administrator."
            case .encryptedResponseRejected:
                "The sign-in response could not be accepted. Start again from the application; if it keeps failing, contact your administrator."
            case .accountDeactivated:
                "Your account is deactivated, so you cannot sign in to this site. If you think this is a mistake, contact your administrator."
            case .accountNotProvisioned:
                "Your account has not been given access to this site. Ask your administrator to assign you to it."
            }
        }
    }
}
