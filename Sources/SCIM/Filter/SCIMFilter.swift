/// A parsed SCIM filter (RFC 7644 §3.4.2.2). `and` and `or` hold all their operands in one
/// node, so a long chain of terms makes a flat tree, not a deep one.
public indirect enum SCIMFilter: Sendable, Equatable {
    /// `attrPath pr`.
    case present(SCIMAttributePath)
    /// `attrPath op value`.
    case compare(SCIMAttributePath, SCIMFilterOperator, SCIMValue)
    /// `attrPath[valFilter]`: some value of the multi-valued (or complex) attribute satisfies the
    /// inner filter, whose paths name sub-attributes.
    case valuePath(SCIMAttributePath, SCIMFilter)
    /// Every operand holds.
    case and([SCIMFilter])
    /// Some operand holds.
    case or([SCIMFilter])
    /// The operand does not hold.
    case not(SCIMFilter)
}

/// The comparison operators of RFC 7644 §3.4.2.2 (`pr` is `SCIMFilter.present`).
public enum SCIMFilterOperator: String, Sendable, CaseIterable {
    /// Equal.
    case eq
    /// Not equal; also true when the attribute has no value.
    case ne
    /// Contains.
    case co
    /// Starts with.
    case sw
    /// Ends with.
    case ew
    /// Greater than.
    case gt
    /// Greater than or equal.
    case ge
    /// Less than.
    case lt
    /// Less than or equal.
    case le
}

/// Bounds on a filter, so a hostile query cannot exhaust the stack or the CPU.
public struct SCIMFilterLimits: Sendable, Equatable {
    /// The longest filter accepted, in characters.
    public var maxLength = 4096
    /// The deepest nesting of parentheses, `not` and value paths accepted.
    public var maxDepth = 16
    /// The most comparisons (`eq`, `pr`, …) one filter may hold.
    public var maxTerms = 128

    /// The defaults: 4096 characters, depth 16, 128 terms.
    public init() {}
}
