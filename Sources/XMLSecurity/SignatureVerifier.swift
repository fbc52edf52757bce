import CLibXMLSec

/// Verifies the enveloped XML signature of one element against trusted keys only.
///
/// The rules (DESIGN.md, "XMLSecurity"): exactly one `ds:Signature` as a direct child, exactly
/// one `Reference` whose URI is `#` + the element's unique ID, only the enveloped-signature and
/// exclusive c14n transforms, allow-listed algorithms, and a key from `trustedKeys`. A key or
/// certificate in the message's `KeyInfo` only helps choose among the trusted keys.
public enum SignatureVerifier {
    /// Returns `element` itself when its signature is valid; throws the rule that failed otherwise.
    public static func verify(
        _ element: XMLElement,
        trustedKeys: [TrustedKey],
        options: VerificationOptions = VerificationOptions()
    ) throws(XMLSecurityError) -> VerifiedElement {
        try XMLSecurityLibrary.ensureInitialized()
        let plan = try SignaturePlan(element: element, options: options)
        guard !trustedKeys.isEmpty else {
            throw XMLSecurityError(code: .noTrustedKeys, detail: "no trusted key is configured; a signature cannot be checked")
        }
        let candidates = trustedKeys.indices.filter { trustedKeys[$0].kind == plan.signatureAlgorithm.keyKind }
        guard !candidates.isEmpty else {
            throw XMLSecurityError(
                code: .untrustedKey,
                detail:
                    "signed with \(plan.signatureAlgorithm.rawValue) but no trusted \(plan.signatureAlgorithm.keyKind.rawValue) key exists")
        }
        // Try the key whose certificate the message names first; KeyInfo never adds a key. With
        // one candidate there is nothing to order.
        let ordered: [Int]
        if candidates.count == 1 {
            ordered = candidates
        } else {
            let hinted = plan.keyInfoCertificates()
            ordered =
                candidates.filter { index in hinted.contains { $0 == trustedKeys[index].certificateDER } }
                + candidates.filter { index in !hinted.contains { $0 == trustedKeys[index].certificateDER } }
        }

        var lastFailure = XMLSecurityError(code: .signatureMismatch, detail: "the signature does not verify with any trusted key")
        for index in ordered {
            let key: KeyStorage
            do {
                key = try trustedKeys[index].loaded()
            } catch {
                // A deferred metadata certificate that OpenSSL refuses: try the others.
                lastFailure = error
                continue
            }
            switch try attempt(plan, key: key) {
            case .valid:
                return VerifiedElement(
                    element: element, signatureAlgorithm: plan.signatureAlgorithm,
                    digestAlgorithm: plan.digestAlgorithm, trustedKeyIndex: index)
            case .digestMismatch:
                // The digest does not depend on the key: the signed content was changed.
                throw XMLSecurityError(
                    code: .digestMismatch, detail: "the digest of \(plan.referenceURI) does not match: the signed content was altered")
            case .signatureMismatch:
                continue
            case .failed(let reason):
                lastFailure = XMLSecurityError(code: .signatureMismatch, detail: reason)
            }
        }
        // No trusted key verifies. If the message names only certificates we do not trust, say so:
        // that is a foreign signer, not a damaged signature.
        let hinted = plan.keyInfoCertificates()
        let namesTrusted = hinted.contains { der in trustedKeys.contains { $0.certificateDER == der } }
        if !hinted.isEmpty, !namesTrusted {
            throw XMLSecurityError(
                code: .untrustedKey, detail: "signed with a certificate that is not among the trusted ones (\(lastFailure.detail))")
        }
        throw lastFailure
    }

    private enum Outcome {
        case valid
        case digestMismatch
        case signatureMismatch
        case failed(String)
    }

    private static func attempt(_ plan: SignaturePlan, key: KeyStorage) throws(XMLSecurityError) -> Outcome {
        guard let context = xmlSecDSigCtxCreate(nil) else {
            throw XMLSecurityError(code: .libraryFailure, detail: "could not create a signature context")
        }
        defer { xmlSecDSigCtxDestroy(context) }
        context.pointee.enabledReferenceUris = xmlSecTransformUriType(xmlSecTransformUriTypeSameDocument)
        // Only what the plan allowed may run, whatever the XML asks for.
        for id in [gh_transform_enveloped(), gh_transform_exc_c14n(), plan.digestAlgorithm.transformID] {
            guard xmlSecDSigCtxEnableReferenceTransform(context, id) >= 0 else {
                throw XMLSecurityError(code: .libraryFailure, detail: "could not restrict reference transforms")
            }
        }
        for id in [gh_transform_exc_c14n(), plan.signatureAlgorithm.transformID] {
            guard xmlSecDSigCtxEnableSignatureTransform(context, id) >= 0 else {
                throw XMLSecurityError(code: .libraryFailure, detail: "could not restrict signature transforms")
            }
        }
        // With signKey set, xmlsec never reads a key from KeyInfo. The public key value is all
        // a verification needs (see duplicateValue).
        context.pointee.signKey = try key.duplicateValue()
        let result = xmlSecDSigCtxVerify(context, plan.signatureNode)
        guard result >= 0 else { return .failed("xmlsec could not process the signature") }
        guard gh_dsig_reference_count(context) == 1 else {
            return .failed("xmlsec processed \(gh_dsig_reference_count(context)) references")
        }
        if context.pointee.status == xmlSecDSigStatusSucceeded {
            return gh_dsig_reference_status(context, 0) == Int32(xmlSecDSigStatusSucceeded.rawValue)
                ? .valid : .failed("reference not verified")
        }
        if gh_dsig_reference_status(context, 0) != Int32(xmlSecDSigStatusSucceeded.rawValue) { return .digestMismatch }
        return .signatureMismatch
    }
}
