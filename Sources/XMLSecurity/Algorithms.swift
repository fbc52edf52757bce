import CLibXMLSec

/// XML-DSig namespace and the algorithm URIs Gatehouse knows.
public enum XMLDSig {
    /// `http://www.w3.org/2000/09/xmldsig#`
    public static let namespace = "http://www.w3.org/2000/09/xmldsig#"
    /// Exclusive canonicalization 1.0, without comments: the only c14n we accept or produce.
    public static let exclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    /// The enveloped-signature transform.
    public static let envelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
}

/// The family of a public or private key.
public enum KeyKind: String, Sendable {
    case rsa
    case ec
}

/// A signature method Gatehouse can verify or produce.
public enum SignatureAlgorithm: String, Sendable, CaseIterable {
    case rsaSHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
    case rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    case rsaSHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
    case rsaSHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
    case ecdsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    case ecdsaSHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"
    case ecdsaSHA512 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512"

    /// Whether the method hashes with SHA-1 (accepted only when explicitly allowed).
    public var usesSHA1: Bool { self == .rsaSHA1 }

    /// The key family the method needs.
    public var keyKind: KeyKind {
        switch self {
        case .rsaSHA1, .rsaSHA256, .rsaSHA384, .rsaSHA512: .rsa
        case .ecdsaSHA256, .ecdsaSHA384, .ecdsaSHA512: .ec
        }
    }

    var transformID: xmlSecTransformId {
        switch self {
        case .rsaSHA1: gh_transform_rsa_sha1()
        case .rsaSHA256: gh_transform_rsa_sha256()
        case .rsaSHA384: gh_transform_rsa_sha384()
        case .rsaSHA512: gh_transform_rsa_sha512()
        case .ecdsaSHA256: gh_transform_ecdsa_sha256()
        case .ecdsaSHA384: gh_transform_ecdsa_sha384()
        case .ecdsaSHA512: gh_transform_ecdsa_sha512()
        }
    }
}

/// A digest method for signature references.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case sha1 = "http://www.w3.org/2000/09/xmldsig#sha1"
    case sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    case sha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
    case sha512 = "http://www.w3.org/2001/04/xmlenc#sha512"

    var transformID: xmlSecTransformId {
        switch self {
        case .sha1: gh_transform_sha1()
        case .sha256: gh_transform_sha256()
        case .sha384: gh_transform_sha384()
        case .sha512: gh_transform_sha512()
        }
    }
}

/// What signature verification accepts beyond the safe defaults.
public struct VerificationOptions: Sendable, Equatable {
    /// Accept RSA-SHA1 signatures and SHA-1 digests. Off by default: SHA-1 is broken.
    public var allowsSHA1: Bool

    /// The defaults: SHA-2 only.
    public init(allowsSHA1: Bool = false) {
        self.allowsSHA1 = allowsSHA1
    }
}
