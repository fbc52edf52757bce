import CLibXMLSec

/// Produces the signatures Gatehouse sends: enveloped XML signatures and raw detached ones.
public enum Signer {
    /// Signs the root element of `xml` (which must carry an `ID`) with an enveloped signature:
    /// exclusive c14n, one reference to `#ID`, and the key's certificate in KeyInfo.
    ///
    /// SAML schema order is kept: the `ds:Signature` goes right after a leading `saml:Issuer`,
    /// otherwise it becomes the first child.
    public static func signEnveloped(
        _ xml: [UInt8],
        key: SigningKey,
        algorithm: SignatureAlgorithm = .rsaSHA256,
        digest: DigestAlgorithm = .sha256
    ) throws(XMLSecurityError) -> [UInt8] {
        try XMLSecurityLibrary.ensureInitialized()
        guard algorithm.keyKind == key.kind else {
            throw XMLSecurityError(code: .signingFailed, detail: "\(algorithm.rawValue) needs an \(algorithm.keyKind.rawValue) key")
        }
        let document = try XMLDocument(parsing: xml)
        let root = document.root
        guard let id = root.attribute("ID"), !id.isEmpty else {
            throw XMLSecurityError(code: .missingID, detail: "<\(root.localName)> has no ID to reference")
        }
        // This document is private to this call, so mutating it is safe.
        let doc = document.storage.pointer
        guard
            let signature = xmlSecTmplSignatureCreateNsPref(doc, gh_transform_exc_c14n(), algorithm.transformID, nil, "ds"),
            let reference = xmlSecTmplSignatureAddReference(signature, digest.transformID, nil, "#" + id, nil),
            xmlSecTmplReferenceAddTransform(reference, gh_transform_enveloped()) != nil,
            xmlSecTmplReferenceAddTransform(reference, gh_transform_exc_c14n()) != nil
        else {
            throw XMLSecurityError(code: .signingFailed, detail: "could not build the signature template")
        }
        let first = root.children.first
        if let first, first.isNamed("Issuer", namespace: "urn:oasis:names:tc:SAML:2.0:assertion") {
            xmlAddNextSibling(first.node, signature)
        } else if let first {
            xmlAddPrevSibling(first.node, signature)
        } else {
            xmlAddChild(root.node, signature)
        }
        if key.certificateDER != nil {
            guard let keyInfo = xmlSecTmplSignatureEnsureKeyInfo(signature, nil),
                let x509 = xmlSecTmplKeyInfoAddX509Data(keyInfo),
                xmlSecTmplX509DataAddCertificate(x509) != nil
            else {
                throw XMLSecurityError(code: .signingFailed, detail: "could not build KeyInfo")
            }
        }
        guard let context = xmlSecDSigCtxCreate(nil) else {
            throw XMLSecurityError(code: .libraryFailure, detail: "could not create a signature context")
        }
        defer { xmlSecDSigCtxDestroy(context) }
        context.pointee.signKey = try key.storage.duplicate()
        guard xmlSecDSigCtxSign(context, signature) >= 0 else {
            throw XMLSecurityError(code: .signingFailed, detail: "xmlsec could not sign <\(root.localName)>")
        }
        return try serialize(doc)
    }

    /// A raw signature over `bytes` (for the HTTP-Redirect binding's `Signature` parameter).
    /// RSA gives PKCS#1 v1.5; ECDSA gives the XML-DSig `r || s` form.
    public static func signDetached(
        _ bytes: [UInt8], key: SigningKey, algorithm: SignatureAlgorithm = .rsaSHA256
    ) throws(XMLSecurityError) -> [UInt8] {
        try XMLSecurityLibrary.ensureInitialized()
        guard algorithm.keyKind == key.kind else {
            throw XMLSecurityError(code: .signingFailed, detail: "\(algorithm.rawValue) needs an \(algorithm.keyKind.rawValue) key")
        }
        return try DetachedSignature.run(bytes, key: key.storage, algorithm: algorithm, signature: nil)
    }

    static func serialize(_ doc: xmlDocPtr) throws(XMLSecurityError) -> [UInt8] {
        guard let buffer = xmlBufferCreate() else { throw XMLSecurityError(code: .libraryFailure, detail: "out of memory") }
        defer { xmlBufferFree(buffer) }
        guard let save = xmlSaveToBuffer(buffer, "UTF-8", Int32(XML_SAVE_NO_DECL.rawValue)) else {
            throw XMLSecurityError(code: .libraryFailure, detail: "could not serialize")
        }
        _ = xmlSaveDoc(save, doc)
        _ = xmlSaveClose(save)
        let count = Int(xmlBufferLength(buffer))
        guard let content = xmlBufferContent(buffer) else { return [] }
        var bytes = Array(UnsafeBufferPointer(start: content, count: count))
        while bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        return bytes
    }
}

/// Binary sign/verify through an xmlsec transform chain.
enum DetachedSignature {
    /// Signs when `signature` is nil (returning it); verifies otherwise (returning [] or throwing).
    static func run(
        _ bytes: [UInt8], key: KeyStorage, algorithm: SignatureAlgorithm, signature: [UInt8]?
    ) throws(XMLSecurityError) -> [UInt8] {
        guard let context = xmlSecTransformCtxCreate() else {
            throw XMLSecurityError(code: .libraryFailure, detail: "could not create a transform context")
        }
        defer { xmlSecTransformCtxDestroy(context) }
        guard let transform = xmlSecTransformCtxCreateAndAppend(context, algorithm.transformID) else {
            throw XMLSecurityError(code: .libraryFailure, detail: "could not create \(algorithm.rawValue)")
        }
        transform.pointee.operation = signature == nil ? xmlSecTransformOperationSign : xmlSecTransformOperationVerify
        let copy = try key.duplicate()
        defer { xmlSecKeyDestroy(copy) }
        guard xmlSecTransformSetKey(transform, copy) >= 0 else {
            throw XMLSecurityError(code: .invalidKey, detail: "the key does not fit \(algorithm.rawValue)")
        }
        let executed = bytes.withUnsafeBufferPointer { buffer in
            xmlSecTransformCtxBinaryExecute(context, buffer.baseAddress, CUnsignedInt(buffer.count))
        }
        guard executed >= 0 else {
            throw XMLSecurityError(
                code: signature == nil ? .signingFailed : .signatureMismatch, detail: "xmlsec could not process the data")
        }
        guard let signature else {
            guard let result = context.pointee.result, let data = xmlSecBufferGetData(result) else {
                throw XMLSecurityError(code: .signingFailed, detail: "no signature produced")
            }
            return Array(UnsafeBufferPointer(start: data, count: Int(xmlSecBufferGetSize(result))))
        }
        let status = signature.withUnsafeBufferPointer { buffer in
            xmlSecTransformVerify(transform, buffer.baseAddress, CUnsignedInt(buffer.count), context)
        }
        guard status >= 0, transform.pointee.status == xmlSecTransformStatusOk else {
            throw XMLSecurityError(code: .signatureMismatch, detail: "the detached signature does not verify")
        }
        return []
    }
}

extension SignatureVerifier {
    /// Verifies a raw detached signature (HTTP-Redirect binding) against trusted keys only.
    /// Returns the index of the key that verified it.
    public static func verifyDetached(
        _ bytes: [UInt8], signature: [UInt8], algorithm: SignatureAlgorithm,
        trustedKeys: [TrustedKey], options: VerificationOptions = VerificationOptions()
    ) throws(XMLSecurityError) -> Int {
        try XMLSecurityLibrary.ensureInitialized()
        guard !algorithm.usesSHA1 || options.allowsSHA1 else {
            throw XMLSecurityError(code: .algorithmNotAllowed, detail: "signature method \(algorithm.rawValue) is not allowed")
        }
        guard !trustedKeys.isEmpty else {
            throw XMLSecurityError(code: .noTrustedKeys, detail: "no trusted key is configured; a signature cannot be checked")
        }
        for (index, key) in trustedKeys.enumerated() where key.kind == algorithm.keyKind {
            do {
                _ = try DetachedSignature.run(bytes, key: try key.loaded(), algorithm: algorithm, signature: signature)
                return index
            } catch  where error.code == .signatureMismatch {
                continue
            }
        }
        throw XMLSecurityError(code: .signatureMismatch, detail: "the detached signature does not verify with any trusted key")
    }
}
