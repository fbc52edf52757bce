import CLibXMLSec
import Synchronization

/// A public key that may verify signatures: from IdP metadata or configuration, never from a message.
public struct TrustedKey: Sendable {
    private let source: Source
    /// The certificate the key came from (DER), if any. KeyInfo certificates are compared to it.
    public let certificateDER: [UInt8]?

    /// A key from a DER X.509 certificate (the content of metadata's `ds:X509Certificate`).
    public init(certificateDER: [UInt8]) throws(XMLSecurityError) {
        source = .loaded(try KeyStorage.load(certificateDER, format: xmlSecKeyDataFormatCertDer, what: "the certificate"))
        self.certificateDER = certificateDER
    }

    /// A key from a DER X.509 certificate, loaded the first time a signature is checked with it.
    ///
    /// For federation metadata: loading a certificate into OpenSSL costs more than parsing its
    /// whole entity, and an aggregate names thousands of IdPs of which a gateway meets a few.
    /// A certificate that cannot be loaded then fails the verifications that need it (as
    /// ``XMLSecurityError/Code/invalidKey``) instead of the whole metadata file.
    public init(deferredCertificateDER certificateDER: [UInt8]) {
        source = .deferred(DeferredKey(certificateDER: certificateDER))
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
        source = .loaded(try KeyStorage.load(Array(pem.utf8), format: xmlSecKeyDataFormatPem, what: "the public key"))
        certificateDER = nil
    }

    /// The public half of a key already loaded (a ``SigningKey`` without a certificate).
    init(storage: KeyStorage) {
        source = .loaded(storage)
        certificateDER = nil
    }

    /// RSA or EC. A deferred key is loaded to answer; one that cannot be loaded reports RSA and
    /// fails when used.
    public var kind: KeyKind { (try? loaded())?.kind ?? .rsa }

    /// The key, loading a deferred certificate on first use.
    func loaded() throws(XMLSecurityError) -> KeyStorage {
        switch source {
        case .loaded(let storage): return storage
        case .deferred(let deferred): return try deferred.load()
        }
    }

    private enum Source: Sendable {
        case loaded(KeyStorage)
        case deferred(DeferredKey)
    }
}

/// A certificate loaded at most once, on first use, by whichever task needs it first.
private final class DeferredKey: Sendable {
    let certificateDER: [UInt8]
    private let state = Mutex<Result<KeyStorage, XMLSecurityError>?>(nil)

    init(certificateDER: [UInt8]) { self.certificateDER = certificateDER }

    func load() throws(XMLSecurityError) -> KeyStorage {
        let result = state.withLock { state -> Result<KeyStorage, XMLSecurityError> in
            if let state { return state }
            let loaded: Result<KeyStorage, XMLSecurityError>
            do throws(XMLSecurityError) {
                loaded = .success(try KeyStorage.load(certificateDER, format: xmlSecKeyDataFormatCertDer, what: "the certificate"))
            } catch {
                loaded = .failure(error)
            }
            state = loaded
            return loaded
        }
        return try result.get()
    }
}
