import Foundation
import Gatehouse
import SAML
import XMLSecurity

/// Responses from the federation's IdP (or another `issuer`) (``MetadataRefreshTests/entityID``) to the SP of
/// ``PolicyIdPs`` or of the refresh tests' gateway, with the assertion signed by a chosen key.
enum FederationResponses {
    /// A base64 SAMLResponse from the federation IdP answering ``PolicyIdPs/requestID``, its
    /// assertion signed with `keys/{key}.key`, for the SP at `externalURL`.
    static func response(
        signedWith key: String, issuer: String = MetadataRefreshTests.entityID, externalURL: String = PolicyIdPs.externalURL,
        nameID: String = "ada@example.com"
    ) throws -> String {
        var content = PolicyIdPs.Content()
        content.nameID = nameID
        let assertion = PolicyIdPs.assertion(issuer, content).replacingOccurrences(of: PolicyIdPs.externalURL, with: externalURL)
        let signingKey = try SigningKey(privateKeyPEM: try PolicyIdPs.text("keys/\(key).key"))
        var signed = String(decoding: try Signer.signEnveloped(Array(assertion.utf8), key: signingKey), as: UTF8.self)
        if signed.hasPrefix("<?xml"), let end = signed.range(of: "?>") { signed = String(signed[end.upperBound...]) }
        let response = PolicyIdPs.response(issuer, around: signed.trimmingCharacters(in: .whitespacesAndNewlines))
            .replacingOccurrences(of: PolicyIdPs.externalURL, with: externalURL)
        return Data(response.utf8).base64EncodedString()
    }

    /// The pending login a response above answers.
    static var pending: PendingLogin { PolicyIdPs.pending(at: MetadataRefreshTests.entityID) }
}
