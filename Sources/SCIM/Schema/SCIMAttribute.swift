/// One attribute definition of a schema (RFC 7643 §7): its type and characteristics. Filters
/// take `caseExact` from here, PATCH and create take `mutability`, projection takes `returned`.
public struct SCIMAttribute: Sendable, Equatable {
    /// The data types of RFC 7643 §2.3.
    public enum DataType: String, Sendable, CaseIterable {
        case string, boolean, decimal, integer, dateTime, reference, complex, binary
    }

    /// Whether and when a client may write the attribute (RFC 7643 §7).
    public enum Mutability: String, Sendable, CaseIterable {
        case readOnly, readWrite, immutable, writeOnly
    }

    /// When the attribute is returned in a response (RFC 7643 §7).
    public enum Returned: String, Sendable, CaseIterable {
        case always, never, `default`, request
    }

    /// How unique values must be (RFC 7643 §7).
    public enum Uniqueness: String, Sendable, CaseIterable {
        case none, server, global
    }

    /// The attribute name, in its canonical spelling.
    public var name: String
    /// The data type.
    public var type: DataType
    /// Whether the value is an array.
    public var multiValued = false
    /// A human-readable description.
    public var description = ""
    /// Whether a resource must carry a value.
    public var required = false
    /// Whether string values compare case-sensitively.
    public var caseExact = false
    /// Whether and when a client may write it.
    public var mutability = Mutability.readWrite
    /// When it is returned.
    public var returned = Returned.default
    /// How unique its values must be.
    public var uniqueness = Uniqueness.none
    /// The sub-attributes of a complex attribute.
    public var subAttributes: [SCIMAttribute] = []
    /// Suggested values (such as `work`, `home` for `type`).
    public var canonicalValues: [String] = []
    /// For references: the resource types or `external`/`uri` it may point to.
    public var referenceTypes: [String] = []

    /// A definition; characteristics not given take RFC 7643 §2.2's defaults.
    public init(
        _ name: String, _ type: DataType, multiValued: Bool = false, description: String = "", required: Bool = false,
        caseExact: Bool = false, mutability: Mutability = .readWrite, returned: Returned = .default,
        uniqueness: Uniqueness = .none, subAttributes: [SCIMAttribute] = [], canonicalValues: [String] = [],
        referenceTypes: [String] = []
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.description = description
        self.required = required
        self.caseExact = caseExact
        self.mutability = mutability
        self.returned = returned
        self.uniqueness = uniqueness
        self.subAttributes = subAttributes
        self.canonicalValues = canonicalValues
        self.referenceTypes = referenceTypes
    }

    /// The sub-attribute named `name`, ignoring case.
    public func subAttribute(named name: String) -> SCIMAttribute? {
        subAttributes.first { $0.name.scimEquals(name) }
    }

    /// The RFC 7643 §7 representation of this definition.
    public var document: SCIMValue {
        var object = SCIMObject()
        object["name"] = .string(name)
        object["type"] = .string(type.rawValue)
        object["multiValued"] = .bool(multiValued)
        object["description"] = .string(description)
        object["required"] = .bool(required)
        if type == .complex {
            object["subAttributes"] = .array(subAttributes.map(\.document))
        } else {
            object["caseExact"] = .bool(caseExact)
        }
        if !canonicalValues.isEmpty { object["canonicalValues"] = .array(canonicalValues.map(SCIMValue.string)) }
        if !referenceTypes.isEmpty { object["referenceTypes"] = .array(referenceTypes.map(SCIMValue.string)) }
        object["mutability"] = .string(mutability.rawValue)
        object["returned"] = .string(returned.rawValue)
        if type != .complex, type != .boolean { object["uniqueness"] = .string(uniqueness.rawValue) }
        return .object(object)
    }
}
