/// Bounds on what the parser accepts. The defaults fit any real SAML message.
public struct ParseLimits: Sendable, Equatable {
    /// Largest accepted input, in bytes.
    public var maxBytes: Int = 1 << 20
    /// Deepest accepted element nesting (the root is depth 1).
    public var maxDepth: Int = 64
    /// Attribute names (without namespace) that carry element IDs for same-document references.
    public var idAttributeNames: [String] = ["ID"]

    /// The safe defaults: 1 MiB, depth 64, SAML's `ID` attribute.
    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 64, idAttributeNames: [String] = ["ID"]) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.idAttributeNames = idAttributeNames
    }
}
