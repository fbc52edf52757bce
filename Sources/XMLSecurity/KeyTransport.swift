/// The RSA key-transport parameters named by an EncryptedKey's EncryptionMethod.
struct KeyTransport {
    var oaep: Bool
    /// OpenSSL digest names.
    var digest: String
    var mgfDigest: String
    var label: [UInt8]

    private static let digests = [
        "http://www.w3.org/2000/09/xmldsig#sha1": "SHA1",
        "http://www.w3.org/2001/04/xmlenc#sha256": "SHA256",
        "http://www.w3.org/2001/04/xmldsig-more#sha384": "SHA384",
        "http://www.w3.org/2001/04/xmlenc#sha512": "SHA512",
    ]
    private static let mgfs = [
        "http://www.w3.org/2009/xmlenc11#mgf1sha1": "SHA1",
        "http://www.w3.org/2009/xmlenc11#mgf1sha256": "SHA256",
        "http://www.w3.org/2009/xmlenc11#mgf1sha384": "SHA384",
        "http://www.w3.org/2009/xmlenc11#mgf1sha512": "SHA512",
    ]

    init(_ method: XMLElement?, options: DecryptionOptions) throws(XMLSecurityError) {
        let uri = method?.attribute("Algorithm") ?? ""
        let digestURI = method?.firstChild(named: "DigestMethod", namespace: XMLDSig.namespace)?.attribute("Algorithm")
        let digest = digestURI.map { Self.digests[$0] } ?? "SHA1"
        label = method?.firstChild(named: "OAEPparams", namespace: XMLEnc.namespace).flatMap { PEM.base64Decode($0.textContent) } ?? []
        switch uri {
        case XMLEnc.rsaOAEPMGF1P:
            // "mgf1p": MGF1 with SHA-1 always; the DigestMethod names only the OAEP digest.
            guard let digest else { throw Self.refused("OAEP digest \(digestURI ?? "")") }
            self.oaep = true
            self.digest = digest
            self.mgfDigest = "SHA1"
        case XMLEnc.rsaOAEP11:
            let mgfURI = method?.firstChild(named: "MGF", namespace: "http://www.w3.org/2009/xmlenc11#")?.attribute("Algorithm")
            let mgf = mgfURI.map { Self.mgfs[$0] } ?? "SHA1"
            guard let digest, let mgf else { throw Self.refused("OAEP parameters \(digestURI ?? "") \(mgfURI ?? "")") }
            self.oaep = true
            self.digest = digest
            self.mgfDigest = mgf
        case XMLEnc.rsa15 where options.allowsRSA15:
            self.oaep = false
            self.digest = "SHA1"
            self.mgfDigest = "SHA1"
        default:
            throw Self.refused("key transport \(uri)")
        }
    }

    private static func refused(_ what: String) -> XMLSecurityError {
        XMLSecurityError(code: .encryptionAlgorithmNotAllowed, detail: "\(what) is not allowed")
    }
}
