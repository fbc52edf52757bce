/// Bounds on a JSON body, so a hostile client cannot exhaust memory or the stack.
public struct SCIMJSONLimits: Sendable, Equatable {
    /// The largest body accepted, in bytes.
    public var maxBytes = 1 << 20
    /// The deepest nesting of arrays and objects accepted. SCIM resources need about four.
    public var maxDepth = 32

    /// The defaults: 1 MiB, depth 32.
    public init() {}
}
