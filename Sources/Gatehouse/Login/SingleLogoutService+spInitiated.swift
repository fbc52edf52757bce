import Foundation
import SAML
import XMLSecurity

extension SingleLogoutService {
    /// How long our LogoutRequest is valid (its NotOnOrAfter), and so how long the pending
    /// logout that awaits its answer is kept.
    var requestLifetime: TimeInterval {
        let (seconds, attoseconds) = builder.policy.requestLifetime.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The signed LogoutRequest that ends `identity`'s session at the IdP that signed it in,
    /// naming its NameID exactly as the assertion did (Format, NameQualifier, SPNameQualifier;
    /// Core §3.7.1) and its SessionIndex. It goes to the IdP's HTTP-Redirect
    /// SingleLogoutService, else its HTTP-POST one. Nil when the IdP is no longer registered,
    /// its metadata expired, or it offers neither binding: then only the local session ends.
    func logoutRequest(for identity: SessionIdentity, relayState: String) throws(XMLSecurityError)
        -> (request: LogoutRequest, message: OutboundMessage)?
    {
        let now = clock.now
        guard let entry = try? registry.currentEntry(identity.issuer, at: now) else { return nil }
        let subject = LogoutSubject(
            nameID: identity.nameID, format: identity.nameIDFormat, nameQualifier: identity.nameQualifier,
            spNameQualifier: identity.spNameQualifier, sessionIndexes: identity.sessionIndex.map { [$0] } ?? [])
        return try builder.request(for: subject, to: entry.provider, relayState: relayState, now: now)
    }

    /// The IdP's LogoutResponse to the request `pending` remembers: signed by that IdP's
    /// metadata keys (HTTP-Redirect: over the query as received), issued by it, addressed to
    /// our SLO URL, answering that request, and fresh. The result says what the IdP achieved.
    func validateResponse(_ message: InboundLogoutMessage, answering pending: PendingLogout) throws(SAMLValidationError)
        -> LogoutResult
    {
        let now = clock.now
        let provider: IdentityProvider
        do {
            provider = try registry.currentEntry(pending.idpEntityID, at: now).provider
        } catch {
            throw SAMLValidationError(code: .unknownIssuer, detail: error.detail, issuer: pending.idpEntityID)
        }
        return try validator(for: pending.idpEntityID).validateResponse(
            message, from: provider, expectedRequestID: pending.requestID, now: now)
    }
}
