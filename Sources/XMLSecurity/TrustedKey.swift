import CLibXMLSec

/// A public key that may verify signatures: from IdP metadata or configuration, never from a message.
public struct TrustedKey: Sendable {
    let storage: KeyStorage
    /// The certificate the key came from (DER), if any. KeyInfo certificates are compared to it.
    public let certificateDER: [UInt8]?

    /// A key from a DER X.509 certificate (the content of metadata's `ds:X509Certificate`).
    public init(certificateDER: [UInt8]) throws(XMLSecurityError) {
        storage = try KeyStorage.load(certificateDER, format: xmlSecKeyDataFormatCertDer, what: "the certificate")
        self.certificateDER = certificateDER
    }

    /// A key from the first PEM certificate in `pem`.
    public init(certificatePEM pem: String) throws(XMLSecurityError) {
        guard let der = PEM.blocks(pem, label: "CERTIFICATE").first else {
            throw XMLSecurityError(code: .invalidKey, detail: "no PEM certificate found")
        }
        try self.init(certificateDER: der)
    }

    /// A bare public key in PEM (`BEGIN PUBLIC KEY`).
    public init(publicKeyPEM pem: String) throws(XMLSecurityError) {
        storage = try KeyStorage.load(Array(pem.utf8), format: xmlSecKeyDataFormatPem, what: "the public key")
        certificateDER = nil
    }

    /// RSA or EC.
    public var kind: KeyKind { storage.kind ?? .rsa }
}
