import CLibXMLSec

/// Decrypts `xenc:EncryptedData` (as in SAML's EncryptedAssertion) with the SP's keys.
///
/// The content key is taken only from an `xenc:EncryptedKey` (inside the EncryptedData's
/// KeyInfo or beside it) and unwrapped with one of our keys; KeyInfo is never followed
/// anywhere else. Algorithms are checked against ``DecryptionOptions`` before any work.
public enum Decryptor {
    /// Decrypts the EncryptedData inside `container` (or `container` itself, if it is one) and
    /// returns the single decrypted element, in a new document that keeps the namespaces in
    /// scope. Any signature inside must still be verified by the caller.
    public static func decrypt(
        _ container: XMLElement,
        keys: [DecryptionKey],
        options: DecryptionOptions = DecryptionOptions(),
        limits: ParseLimits = ParseLimits()
    ) throws(XMLSecurityError) -> XMLElement {
        try XMLSecurityLibrary.ensureInitialized()
        let encryptedData: XMLElement
        if container.isNamed("EncryptedData", namespace: XMLEnc.namespace) {
            encryptedData = container
        } else {
            let found = container.children(named: "EncryptedData", namespace: XMLEnc.namespace)
            guard found.count == 1 else {
                throw XMLSecurityError(code: .malformed, detail: "expected one xenc:EncryptedData, found \(found.count)")
            }
            encryptedData = found[0]
        }
        guard !keys.isEmpty else {
            throw XMLSecurityError(code: .decryptionFailed, detail: "no decryption key is configured")
        }
        let content = encryptedData.firstChild(named: "EncryptionMethod", namespace: XMLEnc.namespace)?.attribute("Algorithm") ?? ""
        guard let contentTransform = contentTransform(content, options: options) else {
            throw XMLSecurityError(code: .encryptionAlgorithmNotAllowed, detail: "content encryption \(content) is not allowed")
        }
        let encryptedKeys = encryptedKeys(for: encryptedData)
        guard !encryptedKeys.isEmpty else {
            throw XMLSecurityError(code: .decryptionFailed, detail: "no xenc:EncryptedKey accompanies the encrypted data")
        }
        for encryptedKey in encryptedKeys {
            let transport = encryptedKey.firstChild(named: "EncryptionMethod", namespace: XMLEnc.namespace)?.attribute("Algorithm") ?? ""
            guard keyTransportAllowed(transport, options: options) else {
                throw XMLSecurityError(code: .encryptionAlgorithmNotAllowed, detail: "key transport \(transport) is not allowed")
            }
        }
        for encryptedKey in encryptedKeys {
            for key in keys {
                guard let sessionKey = try? unwrap(encryptedKey, with: key.storage, options: options) else { continue }
                if let element = try decryptContent(encryptedData, sessionKey: sessionKey, transform: contentTransform, limits: limits) {
                    return element
                }
            }
        }
        throw XMLSecurityError(code: .decryptionFailed, detail: "none of our keys decrypts the content")
    }

    private static func contentTransform(_ uri: String, options: DecryptionOptions) -> xmlSecTransformId? {
        switch uri {
        case XMLEnc.aes128GCM: gh_transform_aes128_gcm()
        case XMLEnc.aes192GCM: gh_transform_aes192_gcm()
        case XMLEnc.aes256GCM: gh_transform_aes256_gcm()
        case XMLEnc.aes128CBC where options.allowsCBC: gh_transform_aes128_cbc()
        case XMLEnc.aes192CBC where options.allowsCBC: gh_transform_aes192_cbc()
        case XMLEnc.aes256CBC where options.allowsCBC: gh_transform_aes256_cbc()
        default: nil
        }
    }

    private static func keyTransportAllowed(_ uri: String, options: DecryptionOptions) -> Bool {
        uri == XMLEnc.rsaOAEPMGF1P || uri == XMLEnc.rsaOAEP11 || (uri == XMLEnc.rsa15 && options.allowsRSA15)
    }

    /// EncryptedKey elements in the EncryptedData's KeyInfo, then those beside it (SAML allows both).
    private static func encryptedKeys(for encryptedData: XMLElement) -> [XMLElement] {
        let inside =
            encryptedData.firstChild(named: "KeyInfo", namespace: XMLDSig.namespace)?
            .children(named: "EncryptedKey", namespace: XMLEnc.namespace) ?? []
        let beside = encryptedData.parent?.children(named: "EncryptedKey", namespace: XMLEnc.namespace) ?? []
        return inside + beside
    }

    /// Unwraps the content key with one of our private keys.
    private static func unwrap(_ encryptedKey: XMLElement, with key: KeyStorage, options: DecryptionOptions) throws(XMLSecurityError)
        -> [UInt8]
    {
        let method = encryptedKey.firstChild(named: "EncryptionMethod", namespace: XMLEnc.namespace)
        let transport = try KeyTransport(method, options: options)
        guard
            let cipherText = encryptedKey.firstChild(named: "CipherData", namespace: XMLEnc.namespace)?
                .firstChild(named: "CipherValue", namespace: XMLEnc.namespace),
            let wrapped = PEM.base64Decode(cipherText.textContent)
        else {
            throw XMLSecurityError(code: .malformed, detail: "EncryptedKey has no CipherValue")
        }
        let copy = try key.duplicate()
        defer { xmlSecKeyDestroy(copy) }
        var output = [UInt8](repeating: 0, count: 1024)
        let length = wrapped.withUnsafeBufferPointer { input in
            transport.label.withUnsafeBufferPointer { label in
                output.withUnsafeMutableBufferPointer { out in
                    gh_rsa_unwrap(
                        copy, transport.oaep ? 1 : 0, transport.digest, transport.mgfDigest,
                        label.baseAddress, label.count, input.baseAddress, input.count, out.baseAddress, out.count)
                }
            }
        }
        guard length > 0 else {
            throw XMLSecurityError(code: .decryptionFailed, detail: "the content key does not unwrap with this key")
        }
        return Array(output.prefix(Int(length)))
    }

    /// Decrypts the content in a private copy of the document, so the shared one stays untouched.
    private static func decryptContent(
        _ encryptedData: XMLElement, sessionKey: [UInt8], transform: xmlSecTransformId, limits: ParseLimits
    ) throws(XMLSecurityError) -> XMLElement? {
        let path = indexPath(of: encryptedData.node)
        guard let copy = xmlCopyDoc(encryptedData.storage.pointer, 1) else {
            throw XMLSecurityError(code: .libraryFailure, detail: "could not copy the document")
        }
        var owned: xmlDocPtr? = copy
        defer { if let owned { xmlFreeDoc(owned) } }
        guard let target = node(at: path, in: copy), let parent = target.pointee.parent else {
            throw XMLSecurityError(code: .libraryFailure, detail: "could not locate the encrypted data in the copy")
        }
        guard let context = xmlSecEncCtxCreate(nil) else {
            throw XMLSecurityError(code: .libraryFailure, detail: "could not create an encryption context")
        }
        defer { xmlSecEncCtxDestroy(context) }
        guard xmlSecPtrListAdd(&context.pointee.transformCtx.enabledTransforms, UnsafeMutableRawPointer(mutating: transform)) >= 0 else {
            throw XMLSecurityError(code: .libraryFailure, detail: "could not restrict content encryption")
        }
        let aesKey = sessionKey.withUnsafeBufferPointer { buffer in
            xmlSecKeyReadMemory(gh_keydata_aes(), buffer.baseAddress, CUnsignedInt(buffer.count))
        }
        guard let aesKey else { return nil }
        context.pointee.encKey = aesKey
        guard xmlSecEncCtxDecrypt(context, target) >= 0, context.pointee.resultReplaced != 0 else { return nil }

        // What replaced EncryptedData must be exactly one element (plus whitespace).
        var decrypted: [xmlNodePtr] = []
        var child = parent.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                let ns = current.pointee.ns.flatMap { XMLElement.string($0.pointee.href) }
                if ns != XMLEnc.namespace { decrypted.append(current) }
            }
            child = current.pointee.next
        }
        guard decrypted.count == 1 else {
            throw XMLSecurityError(code: .malformed, detail: "decrypted content holds \(decrypted.count) elements; one was expected")
        }
        let result = decrypted[0]
        owned = nil
        let document = try XMLDocument(takingOwnershipOf: copy, limits: limits)
        return XMLElement(storage: document.storage, node: result)
    }

    private static func indexPath(of node: xmlNodePtr) -> [Int] {
        var path: [Int] = []
        var current = node
        while let parent = current.pointee.parent, parent.pointee.type != XML_DOCUMENT_NODE {
            var index = 0
            var sibling = parent.pointee.children
            while let s = sibling, s != current {
                index += 1
                sibling = s.pointee.next
            }
            path.append(index)
            current = parent
        }
        return path.reversed()
    }

    private static func node(at path: [Int], in document: xmlDocPtr) -> xmlNodePtr? {
        guard var current = xmlDocGetRootElement(document) else { return nil }
        for index in path {
            guard var child = current.pointee.children else { return nil }
            for _ in 0..<index {
                guard let next = child.pointee.next else { return nil }
                child = next
            }
            current = child
        }
        return current
    }
}
