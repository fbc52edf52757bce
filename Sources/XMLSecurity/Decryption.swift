import CLibXMLSec

/// XML-Encryption algorithm URIs.
public enum XMLEnc {
    /// `http://www.w3.org/2001/04/xmlenc#`
    public static let namespace = "http://www.w3.org/2001/04/xmlenc#"
    static let aes128GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
    static let aes192GCM = "http://www.w3.org/2009/xmlenc11#aes192-gcm"
    static let aes256GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
    static let aes128CBC = "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
    static let aes192CBC = "http://www.w3.org/2001/04/xmlenc#aes192-cbc"
    static let aes256CBC = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
    static let rsaOAEPMGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
    static let rsaOAEP11 = "http://www.w3.org/2009/xmlenc11#rsa-oaep"
    static let rsa15 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"
}

/// What decryption accepts beyond the safe defaults (AES-GCM content, RSA-OAEP key transport).
public struct DecryptionOptions: Sendable, Equatable {
    /// Accept AES-CBC content encryption. Off by default: CBC without integrity is a padding oracle.
    public var allowsCBC: Bool
    /// Accept RSA PKCS#1 v1.5 key transport. Off by default: Bleichenbacher oracle.
    public var allowsRSA15: Bool

    /// The defaults: GCM and OAEP only.
    public init(allowsCBC: Bool = false, allowsRSA15: Bool = false) {
        self.allowsCBC = allowsCBC
        self.allowsRSA15 = allowsRSA15
    }
}

/// A private key that may decrypt content sent to us (the SP's encryption key).
public struct DecryptionKey: Sendable {
    let storage: KeyStorage

    /// Loads an RSA private key in PEM.
    public init(privateKeyPEM: String) throws(XMLSecurityError) {
        let key = try SigningKey(privateKeyPEM: privateKeyPEM)
        guard key.kind == .rsa else {
            throw XMLSecurityError(code: .invalidKey, detail: "only RSA keys can decrypt (RSA-OAEP key transport)")
        }
        storage = key.storage
    }
}
