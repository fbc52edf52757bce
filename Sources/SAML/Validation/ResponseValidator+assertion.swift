import Foundation
import XMLSecurity

extension ResponseValidator {
    /// Step 7: NotBefore / NotOnOrAfter with clock skew, AudienceRestriction. Returns the
    /// Conditions NotOnOrAfter, if any.
    func checkConditions(_ assertion: XMLElement, now: Date, issuer: String) throws(SAMLValidationError) -> Date? {
        let all = assertion.children(named: "Conditions", namespace: SAMLNamespace.assertion)
        guard all.count <= 1 else {
            throw SAMLValidationError(code: .malformed, detail: "the Assertion has \(all.count) Conditions elements", issuer: issuer)
        }
        let skew = policy.skewSeconds
        let conditions = all.first
        let notBefore = try instant(conditions, "NotBefore", issuer: issuer)
        let notOnOrAfter = try instant(conditions, "NotOnOrAfter", issuer: issuer)
        if let notBefore, now.addingTimeInterval(skew) < notBefore {
            throw SAMLValidationError(
                code: .notYetValid,
                detail: "NotBefore is \(SAMLInstant.format(notBefore)), now is \(SAMLInstant.format(now)) (skew \(Int(skew)) s)",
                issuer: issuer)
        }
        if let notOnOrAfter, now.addingTimeInterval(-skew) >= notOnOrAfter {
            throw SAMLValidationError(
                code: .expired,
                detail: "NotOnOrAfter is \(SAMLInstant.format(notOnOrAfter)), now is \(SAMLInstant.format(now)) (skew \(Int(skew)) s)",
                issuer: issuer)
        }
        // Every AudienceRestriction must name us (Core §2.5.1.4), and there must be one
        // (Profiles §4.1.4.2).
        let restrictions = conditions?.children(named: "AudienceRestriction", namespace: SAMLNamespace.assertion) ?? []
        guard !restrictions.isEmpty else {
            throw SAMLValidationError(
                code: .audienceMismatch, detail: "the Assertion has no AudienceRestriction; expected \(policy.audience)", issuer: issuer)
        }
        for restriction in restrictions {
            let audiences = restriction.children(named: "Audience", namespace: SAMLNamespace.assertion).map { $0.textContent.trimmed }
            guard audiences.contains(policy.audience) else {
                throw SAMLValidationError(
                    code: .audienceMismatch,
                    detail: "expected \(policy.audience), got \(audiences.joined(separator: ", "))", issuer: issuer)
            }
        }
        return notOnOrAfter
    }

    /// Step 8: a bearer SubjectConfirmation whose data names our ACS URL, is unexpired and
    /// answers the same request as the Response. Returns its NotOnOrAfter.
    func checkSubjectConfirmation(_ assertion: XMLElement, inResponseTo: String?, now: Date, issuer: String) throws(SAMLValidationError)
        -> Date?
    {
        let subject = assertion.firstChild(named: "Subject", namespace: SAMLNamespace.assertion)
        let bearers = (subject?.children(named: "SubjectConfirmation", namespace: SAMLNamespace.assertion) ?? [])
            .filter { $0.attribute("Method") == SAMLNamespace.bearer }
        guard !bearers.isEmpty else {
            throw SAMLValidationError(
                code: .bearerConfirmationMissing, detail: "the Subject has no bearer SubjectConfirmation", issuer: issuer)
        }
        var firstFailure: SAMLValidationError?
        for bearer in bearers {
            do {
                return try checkBearer(bearer, inResponseTo: inResponseTo, now: now, issuer: issuer)
            } catch {
                if firstFailure == nil { firstFailure = error }
            }
        }
        throw firstFailure!
    }

    private func checkBearer(_ bearer: XMLElement, inResponseTo: String?, now: Date, issuer: String) throws(SAMLValidationError) -> Date {
        guard let data = bearer.firstChild(named: "SubjectConfirmationData", namespace: SAMLNamespace.assertion) else {
            throw SAMLValidationError(
                code: .bearerConfirmationMissing, detail: "the bearer SubjectConfirmation has no SubjectConfirmationData", issuer: issuer)
        }
        let recipient = data.attribute("Recipient")
        guard recipient == policy.assertionConsumerServiceURL else {
            throw SAMLValidationError(
                code: .recipientMismatch,
                detail: "Recipient is \(recipient ?? "absent"), expected \(policy.assertionConsumerServiceURL)", issuer: issuer)
        }
        guard let notOnOrAfter = try instant(data, "NotOnOrAfter", issuer: issuer) else {
            throw SAMLValidationError(code: .confirmationExpired, detail: "SubjectConfirmationData has no NotOnOrAfter", issuer: issuer)
        }
        guard now.addingTimeInterval(-policy.skewSeconds) < notOnOrAfter else {
            throw SAMLValidationError(
                code: .confirmationExpired,
                detail: "SubjectConfirmationData NotOnOrAfter is \(SAMLInstant.format(notOnOrAfter)), now is \(SAMLInstant.format(now))",
                issuer: issuer)
        }
        let answered = data.attribute("InResponseTo")
        guard answered == inResponseTo else {
            throw SAMLValidationError(
                code: .confirmationInResponseToMismatch,
                detail:
                    "SubjectConfirmationData InResponseTo is \(answered ?? "absent"), the Response answers \(inResponseTo ?? "nothing")",
                issuer: issuer)
        }
        return notOnOrAfter
    }

    private func instant(_ element: XMLElement?, _ name: String, issuer: String) throws(SAMLValidationError) -> Date? {
        guard let text = element?.attribute(name) else { return nil }
        guard let date = SAMLInstant.parse(text) else {
            throw SAMLValidationError(
                code: .malformed, detail: "\(element?.localName ?? "") \(name) is not a dateTime: \(text.prefix(40))", issuer: issuer)
        }
        return date
    }
}

extension String {
    var trimmed: String {
        // Nearly every value read from a message has nothing to trim: answer that from the
        // first and last bytes (printable ASCII) without Foundation's bridged trimming.
        if let first = utf8.first, let last = utf8.last, (0x21..<0x7F).contains(first), (0x21..<0x7F).contains(last) {
            return self
        }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
