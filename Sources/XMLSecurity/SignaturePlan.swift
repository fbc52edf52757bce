import CLibXMLSec

/// The structural checks on a `ds:Signature`, done before any cryptography.
struct SignaturePlan {
    let signatureNode: xmlNodePtr
    let signatureAlgorithm: SignatureAlgorithm
    let digestAlgorithm: DigestAlgorithm
    let referenceURI: String
    /// The signature's KeyInfo, if any: its certificates only help order the trusted keys.
    let keyInfo: XMLElement?

    private static let ds = XMLDSig.namespace

    init(element: XMLElement, options: VerificationOptions) throws(XMLSecurityError) {
        let signatures = element.children(named: "Signature", namespace: Self.ds)
        guard let signature = signatures.first else {
            throw XMLSecurityError(code: .signatureMissing, detail: "<\(element.localName)> carries no ds:Signature")
        }
        guard signatures.count == 1 else {
            throw XMLSecurityError(
                code: .multipleSignatures, detail: "<\(element.localName)> carries \(signatures.count) ds:Signature elements")
        }
        // Signature ::= SignedInfo SignatureValue KeyInfo? ; ds:Object is never needed by SAML and
        // is where wrapping attacks hide content.
        let parts = signature.children
        guard parts.count >= 2, parts.count <= 3,
            parts[0].isNamed("SignedInfo", namespace: Self.ds),
            parts[1].isNamed("SignatureValue", namespace: Self.ds),
            parts.count == 2 || parts[2].isNamed("KeyInfo", namespace: Self.ds)
        else {
            let names = parts.map(\.localName).joined(separator: ", ")
            throw XMLSecurityError(
                code: .malformedSignature,
                detail: "ds:Signature must hold SignedInfo, SignatureValue and an optional KeyInfo; found \(names)")
        }
        let signedInfo = parts[0]
        let infoParts = signedInfo.children
        guard infoParts.count >= 3,
            infoParts[0].isNamed("CanonicalizationMethod", namespace: Self.ds),
            infoParts[1].isNamed("SignatureMethod", namespace: Self.ds)
        else {
            throw XMLSecurityError(
                code: .malformedSignature, detail: "SignedInfo must start with CanonicalizationMethod and SignatureMethod")
        }
        let references = signedInfo.children(named: "Reference", namespace: Self.ds)
        guard references.count == 1, infoParts.count == 3 else {
            throw XMLSecurityError(
                code: .multipleReferences, detail: "SignedInfo must hold exactly one Reference; it holds \(references.count)")
        }
        let c14n = infoParts[0].attribute("Algorithm") ?? ""
        guard c14n == XMLDSig.exclusiveC14N else {
            throw XMLSecurityError(code: .transformNotAllowed, detail: "SignedInfo canonicalization \(c14n) is not exclusive c14n")
        }
        let methodURI = infoParts[1].attribute("Algorithm") ?? ""
        guard let method = SignatureAlgorithm(rawValue: methodURI), !method.usesSHA1 || options.allowsSHA1 else {
            throw XMLSecurityError(code: .algorithmNotAllowed, detail: "signature method \(methodURI) is not allowed")
        }
        signatureAlgorithm = method

        let reference = references[0]
        guard let id = element.attribute("ID"), !id.isEmpty else {
            throw XMLSecurityError(code: .missingID, detail: "<\(element.localName)> has no ID, so no reference can point to it")
        }
        let uri = reference.attribute("URI") ?? ""
        guard uri == "#" + id else {
            throw XMLSecurityError(
                code: .referenceMismatch, detail: "the signature references \"\(uri)\", not this <\(element.localName)> (#\(id))")
        }
        referenceURI = uri
        guard element.document.idOccurrences(id) == 1, Self.idResolves(id, to: element) else {
            throw XMLSecurityError(
                code: .duplicateID, detail: "ID \(id) occurs \(element.document.idOccurrences(id)) times in the document")
        }

        let referenceParts = reference.children
        var index = 0
        if referenceParts.first?.isNamed("Transforms", namespace: Self.ds) == true {
            let transforms = referenceParts[0].children
            let algorithms = transforms.map { $0.attribute("Algorithm") ?? "" }
            let allowed: Set = [XMLDSig.envelopedSignature, XMLDSig.exclusiveC14N]
            guard transforms.allSatisfy({ $0.isNamed("Transform", namespace: Self.ds) }),
                algorithms.allSatisfy(allowed.contains), Set(algorithms).count == algorithms.count,
                algorithms.last == XMLDSig.exclusiveC14N
            else {
                throw XMLSecurityError(
                    code: .transformNotAllowed,
                    detail: "reference transforms [\(algorithms.joined(separator: ", "))] are not enveloped-signature + exclusive c14n")
            }
            index = 1
        } else {
            throw XMLSecurityError(code: .transformNotAllowed, detail: "the reference has no exclusive c14n transform")
        }
        guard referenceParts.count == index + 2,
            referenceParts[index].isNamed("DigestMethod", namespace: Self.ds),
            referenceParts[index + 1].isNamed("DigestValue", namespace: Self.ds)
        else {
            throw XMLSecurityError(code: .malformedSignature, detail: "Reference must hold Transforms, DigestMethod and DigestValue")
        }
        let digestURI = referenceParts[index].attribute("Algorithm") ?? ""
        guard let digest = DigestAlgorithm(rawValue: digestURI), digest != .sha1 || options.allowsSHA1 else {
            throw XMLSecurityError(code: .algorithmNotAllowed, detail: "digest method \(digestURI) is not allowed")
        }
        digestAlgorithm = digest

        keyInfo = parts.count == 3 ? parts[2] : nil
        signatureNode = signature.node
    }

    /// The DER certificates KeyInfo names. Decoded only when there is a choice to make or a
    /// failure to explain, not on every verification.
    func keyInfoCertificates() -> [[UInt8]] {
        keyInfo?.descendants(named: "X509Certificate", namespace: Self.ds).compactMap { PEM.base64Decode($0.textContent) } ?? []
    }

    /// The ID table (what xmlsec's `#id` lookup uses) must point at this very element.
    private static func idResolves(_ id: String, to element: XMLElement) -> Bool {
        guard let attribute = xmlGetID(element.storage.pointer, id) else { return false }
        return attribute.pointee.parent == element.node
    }
}
