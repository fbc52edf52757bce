import CLibXMLSec

// @unchecked: the key is never modified after loading; every operation works on its own
// xmlSecKeyDuplicate, so concurrent tasks never share mutable xmlsec state.
final class KeyStorage: @unchecked Sendable {
    let pointer: xmlSecKeyPtr

    init(takingOwnershipOf pointer: xmlSecKeyPtr) { self.pointer = pointer }

    deinit { xmlSecKeyDestroy(pointer) }

    /// A private copy for one operation; the caller destroys it (or hands it to a context that does).
    func duplicate() throws(XMLSecurityError) -> xmlSecKeyPtr {
        guard let copy = xmlSecKeyDuplicate(pointer) else {
            throw XMLSecurityError(code: .libraryFailure, detail: "could not copy a key")
        }
        return copy
    }

    /// A private copy of the key value alone, for one verification; the caller destroys it (or
    /// hands it to a context that does). Copying the whole key would copy its certificates too,
    /// and OpenSSL re-parses every one of them (a quarter of a validation's CPU); the value copy
    /// only takes a reference to the same public key. Verification needs nothing else: with
    /// `signKey` set, xmlsec never looks at certificates or KeyInfo.
    func duplicateValue() throws(XMLSecurityError) -> xmlSecKeyPtr {
        guard let value = xmlSecKeyGetValue(pointer), let copy = xmlSecKeyDataDuplicate(value) else {
            throw XMLSecurityError(code: .libraryFailure, detail: "could not copy a key value")
        }
        guard let key = xmlSecKeyCreate() else {
            xmlSecKeyDataDestroy(copy)
            throw XMLSecurityError(code: .libraryFailure, detail: "could not create a key")
        }
        guard xmlSecKeySetValue(key, copy) >= 0 else {
            xmlSecKeyDataDestroy(copy)
            xmlSecKeyDestroy(key)
            throw XMLSecurityError(code: .libraryFailure, detail: "could not set a key value")
        }
        return key
    }

    var kind: KeyKind? {
        guard let value = xmlSecKeyGetValue(pointer) else { return nil }
        let id = value.pointee.id
        if id == gh_keydata_rsa() { return .rsa }
        if id == gh_keydata_ecdsa() { return .ec }
        return nil
    }

    /// Loads a key from memory in the given xmlsec format.
    static func load(_ bytes: [UInt8], format: xmlSecKeyDataFormat, what: String) throws(XMLSecurityError) -> KeyStorage {
        try XMLSecurityLibrary.ensureInitialized()
        let key = bytes.withUnsafeBufferPointer { buffer in
            xmlSecOpenSSLAppKeyLoadMemory(buffer.baseAddress, CUnsignedInt(buffer.count), format, nil, nil, nil)
        }
        guard let key else { throw XMLSecurityError(code: .invalidKey, detail: "could not load \(what)") }
        let storage = KeyStorage(takingOwnershipOf: key)
        guard storage.kind != nil else {
            throw XMLSecurityError(code: .invalidKey, detail: "\(what) is neither an RSA nor an EC key")
        }
        return storage
    }
}

/// PEM helpers shared by the key types.
enum PEM {
    /// The DER bytes of every block labelled `label` (for example `CERTIFICATE`).
    static func blocks(_ text: String, label: String) -> [[UInt8]] {
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        var result: [[UInt8]] = []
        var rest = Substring(text)
        while let start = rest.range(of: begin), let stop = rest[start.upperBound...].range(of: end) {
            let body = rest[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
            if let der = base64Decode(String(body)) { result.append(der) }
            rest = rest[stop.upperBound...]
        }
        return result
    }

    /// Decodes base64, ignoring whitespace; nil when it is not base64.
    static func base64Decode(_ text: String) -> [UInt8]? {
        // Byte-wise whitespace removal: Character-level filtering is slow on long certificates.
        var compact = [UInt8]()
        compact.reserveCapacity(text.utf8.count + 1)
        for byte in text.utf8 where !(byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09) { compact.append(byte) }
        guard !compact.isEmpty else { return nil }
        var output = [UInt8](repeating: 0, count: compact.count)
        compact.append(0)
        var written: CUnsignedInt = 0
        let status = compact.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { buffer in
                xmlSecBase64Decode_ex(input.baseAddress, buffer.baseAddress, CUnsignedInt(buffer.count), &written)
            }
        }
        guard status >= 0 else { return nil }
        return Array(output.prefix(Int(written)))
    }
}

extension StringProtocol {
    func range(of needle: String) -> Range<Index>? {
        guard !needle.isEmpty else { return nil }
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
            index = self.index(after: index)
        }
        return nil
    }
}
