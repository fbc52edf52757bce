/// A KeyDescriptor's `use`: absent means the key serves both purposes (Metadata §2.4.1.1).
public enum KeyUse: String, Sendable, Hashable, Codable {
    /// Signing only.
    case signing
    /// Encryption only.
    case encryption
    /// No `use` attribute: both.
    case both

    /// Whether the key may verify signatures.
    public var signs: Bool { self != .encryption }
    /// Whether the key may encrypt.
    public var encrypts: Bool { self != .signing }
}
