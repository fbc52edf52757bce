import CLibXMLSec

/// A private key Gatehouse signs with, optionally with the certificate published for it.
public struct SigningKey: Sendable {
    let storage: KeyStorage
    /// The certificate (DER) written into KeyInfo of produced signatures, if any.
    public let certificateDER: [UInt8]?

    /// Loads a PEM private key (PKCS#1, PKCS#8 or SEC1) and, optionally, its PEM certificate.
    public init(privateKeyPEM: String, certificatePEM: String? = nil) throws(XMLSecurityError) {
        let storage = try KeyStorage.load(Array(privateKeyPEM.utf8), format: xmlSecKeyDataFormatPem, what: "the private key")
        guard xmlSecKeyGetType(storage.pointer) & xmlSecKeyDataType(xmlSecKeyDataTypePrivate) != 0 else {
            throw XMLSecurityError(code: .invalidKey, detail: "the PEM holds a public key; a private key is needed")
        }
        var certificateDER: [UInt8]?
        if let certificatePEM {
            guard let der = PEM.blocks(certificatePEM, label: "CERTIFICATE").first else {
                throw XMLSecurityError(code: .invalidKey, detail: "no PEM certificate found")
            }
            let status = der.withUnsafeBufferPointer { buffer in
                xmlSecOpenSSLAppKeyCertLoadMemory(
                    storage.pointer, buffer.baseAddress, CUnsignedInt(buffer.count), xmlSecKeyDataFormatCertDer)
            }
            guard status >= 0 else { throw XMLSecurityError(code: .invalidKey, detail: "the certificate could not be attached to the key") }
            certificateDER = der
        }
        self.storage = storage
        self.certificateDER = certificateDER
    }

    /// RSA or EC.
    public var kind: KeyKind { storage.kind ?? .rsa }

    /// The public half, for verifying what this key signed.
    public func trustedKey() throws(XMLSecurityError) -> TrustedKey {
        if let certificateDER { return try TrustedKey(certificateDER: certificateDER) }
        return TrustedKey(storage: storage)
    }
}
