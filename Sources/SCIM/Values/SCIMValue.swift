/// A JSON value as SCIM carries it: the tree that resources, filters and PATCH work on.
///
/// Integers and decimals are kept apart so an `integer` attribute round-trips exactly.
/// Objects keep their members in order and look names up case-insensitively (RFC 7643 §2.1).
public enum SCIMValue: Sendable, Hashable {
    /// JSON `null`: the same as an unassigned attribute.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without fraction or exponent that fits in `Int`.
    case integer(Int)
    /// Any other number.
    case decimal(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([SCIMValue])
    /// An object.
    case object(SCIMObject)

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, if this is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, if this is an integer or a decimal.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .decimal(let value): value
        default: nil
        }
    }

    /// The elements, if this is an array.
    public var arrayValue: [SCIMValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The object, if this is one.
    public var objectValue: SCIMObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// RFC 7643 §2.5: null, an empty array and an object of nothing but unassigned values all
    /// mean "unassigned".
    public var isUnassigned: Bool {
        switch self {
        case .null: true
        case .array(let elements): elements.allSatisfy(\.isUnassigned)
        case .object(let object): object.members.allSatisfy { $0.value.isUnassigned }
        default: false
        }
    }

    /// A short name of the JSON type, for error details.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .decimal: "decimal"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension SCIMValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    /// A string value.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A boolean value.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer value.
    public init(integerLiteral value: Int) { self = .integer(value) }
    /// `null`.
    public init(nilLiteral: ()) { self = .null }
}

extension SCIMValue: ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    /// An array value.
    public init(arrayLiteral elements: SCIMValue...) { self = .array(elements) }
    /// An object value, members in the order written.
    public init(dictionaryLiteral elements: (String, SCIMValue)...) {
        self = .object(SCIMObject(elements.map { (name: $0.0, value: $0.1) }))
    }
}
