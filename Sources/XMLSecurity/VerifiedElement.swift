/// An element whose enveloped signature verified. Read identity data only from `element`.
public struct VerifiedElement: Sendable {
    /// The very element the caller asked to verify; never a different one found by searching.
    public let element: XMLElement
    /// The signature method that was used.
    public let signatureAlgorithm: SignatureAlgorithm
    /// The digest method of the single reference.
    public let digestAlgorithm: DigestAlgorithm
    /// Index, in the caller's trusted-key list, of the key that verified the signature.
    public let trustedKeyIndex: Int
}
