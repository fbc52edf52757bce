public import Foundation
import XMLSecurity

/// Validates LogoutRequest / LogoutResponse messages from an IdP, over HTTP-Redirect (detached
/// signature) or HTTP-POST (enveloped signature). A signature is always required.
public struct LogoutValidator: Sendable {
    /// Our SingleLogoutService URL: a present Destination must equal it.
    public var singleLogoutServiceURL: String
    /// Tolerance for NotOnOrAfter.
    public var clockSkew: Duration = .seconds(90)
    /// Accept SHA-1 signatures.
    public var allowsSHA1 = false

    /// A validator for our SLO endpoint.
    public init(singleLogoutServiceURL: String) {
        self.singleLogoutServiceURL = singleLogoutServiceURL
    }

    /// Validates a LogoutRequest from `idp`. `redirect` is the decoded query for HTTP-Redirect;
    /// for HTTP-POST pass the posted XML in `postedXML`.
    public func validateRequest(redirect: RedirectMessage? = nil, postedXML: [UInt8]? = nil, from idp: IdentityProvider, now: Date)
        throws(SAMLValidationError) -> LogoutRequest
    {
        let element = try verifiedRoot(redirect: redirect, postedXML: postedXML, idp: idp)
        let request = try LogoutRequest(element: element)
        try checkCommon(issuer: request.issuer, destination: request.destination, idp: idp)
        if let notOnOrAfter = request.notOnOrAfter, now.addingTimeInterval(-skew) >= notOnOrAfter {
            throw SAMLValidationError(
                code: .expired, detail: "LogoutRequest NotOnOrAfter is \(SAMLInstant.format(notOnOrAfter))", issuer: idp.entityID)
        }
        return request
    }

    /// Validates the LogoutResponse answering our request `expectedRequestID`.
    public func validateResponse(
        redirect: RedirectMessage? = nil, postedXML: [UInt8]? = nil, from idp: IdentityProvider, expectedRequestID: String
    ) throws(SAMLValidationError) -> LogoutResponse {
        let element = try verifiedRoot(redirect: redirect, postedXML: postedXML, idp: idp)
        let response = try LogoutResponse(element: element)
        try checkCommon(issuer: response.issuer, destination: response.destination, idp: idp)
        guard response.inResponseTo == expectedRequestID else {
            throw SAMLValidationError(
                code: .inResponseToMismatch, detail: "InResponseTo is \(response.inResponseTo ?? "absent"), expected \(expectedRequestID)",
                issuer: idp.entityID)
        }
        guard response.statusCode == SAMLNamespace.statusSuccess else {
            throw SAMLValidationError(
                code: .statusNotSuccess, detail: "status \(response.statusCode)\(response.subStatusCode.map { " / \($0)" } ?? "")",
                issuer: idp.entityID)
        }
        return response
    }

    private var skew: Double {
        let (seconds, attoseconds) = clockSkew.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private func checkCommon(issuer: String, destination: String?, idp: IdentityProvider) throws(SAMLValidationError) {
        guard issuer == idp.entityID else {
            throw SAMLValidationError(code: .issuerMismatch, detail: "Issuer is \(issuer), expected \(idp.entityID)", issuer: idp.entityID)
        }
        if let destination, destination != singleLogoutServiceURL {
            throw SAMLValidationError(
                code: .destinationMismatch, detail: "Destination is \(destination), expected \(singleLogoutServiceURL)",
                issuer: idp.entityID)
        }
    }

    /// The message root, read only after its signature verified.
    private func verifiedRoot(redirect: RedirectMessage?, postedXML: [UInt8]?, idp: IdentityProvider) throws(SAMLValidationError)
        -> XMLElement
    {
        let options = VerificationOptions(allowsSHA1: allowsSHA1)
        guard let bytes = redirect?.xml ?? postedXML else {
            throw SAMLValidationError(code: .malformed, detail: "no message given", issuer: idp.entityID)
        }
        let document: XMLDocument
        do {
            document = try XMLDocument(parsing: bytes)
        } catch {
            throw SAMLValidationError(error, issuer: idp.entityID)
        }
        if let redirect {
            try redirect.verifySignature(trustedKeys: idp.signingKeys, options: options, issuer: idp.entityID)
            return document.root
        }
        do {
            return try SignatureVerifier.verify(document.root, trustedKeys: idp.signingKeys, options: options).element
        } catch {
            throw SAMLValidationError(error, issuer: idp.entityID)
        }
    }
}
