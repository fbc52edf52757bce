extension SCIMResourceType {
    /// `value` made to fit `definition`: names respelled as the schema spells them, `"True"` and
    /// `"False"` turned into booleans for boolean attributes, a single value wrapped for a
    /// multi-valued attribute, a bare string taken as the `value` of a complex attribute that
    /// has one (Entra ID writes `manager` so), readOnly sub-attributes dropped (unless `keepReadOnly`) and nulls removed.
    /// Attributes without a definition are kept as they are.
    ///
    /// - Returns: nil when the value is unassigned (null, or nothing left).
    /// - Throws: `invalidValue` naming `path` when the value has the wrong type.
    static func coerce(
        _ value: SCIMValue, to definition: SCIMAttribute?, path: String, asElement: Bool = false, keepReadOnly: Bool = false
    ) throws(SCIMError) -> SCIMValue? {
        guard let definition else { return value.isUnassigned ? nil : value }
        if value.isNull { return nil }
        if definition.multiValued, !asElement {
            let elements = value.arrayValue ?? [value]
            var result: [SCIMValue] = []
            for element in elements {
                if case .array = element { throw SCIMError(.invalidValue, "\"\(path)\" holds an array inside an array") }
                if let coerced = try coerce(element, to: definition, path: path, asElement: true, keepReadOnly: keepReadOnly) {
                    result.append(coerced)
                }
            }
            return result.isEmpty ? nil : .array(result)
        }
        func wrong() -> SCIMError {
            SCIMError(.invalidValue, "\"\(path)\" must be \(article(definition.type)), not \(value.typeName)")
        }
        switch definition.type {
        case .string, .reference, .binary:
            switch value {
            case .string: return value
            case .integer(let number) where definition.type == .string: return .string(String(number))
            default: throw wrong()
            }
        case .boolean:
            switch value {
            case .bool: return value
            case .string(let text) where text.lowercased() == "true": return .bool(true)
            case .string(let text) where text.lowercased() == "false": return .bool(false)
            default: throw wrong()
            }
        case .integer:
            switch value {
            case .integer: return value
            case .decimal(let number) where number == number.rounded() && abs(number) < 9e15: return .integer(Int(number))
            default: throw wrong()
            }
        case .decimal:
            guard value.doubleValue != nil else { throw wrong() }
            return value
        case .dateTime:
            guard let text = value.stringValue, SCIMDateTime.parse(text) != nil else {
                throw SCIMError(.invalidValue, "\"\(path)\" must be an xsd:dateTime such as 2011-05-13T04:42:34Z")
            }
            return value
        case .complex:
            var object: SCIMObject
            switch value {
            case .object(let given): object = given
            case .string, .integer, .decimal, .bool:
                guard definition.subAttribute(named: "value") != nil else { throw wrong() }
                object = ["value": value]
            default: throw wrong()
            }
            var result = SCIMObject()
            for member in object.members {
                let sub = definition.subAttribute(named: member.name)
                if sub?.mutability == .readOnly, !keepReadOnly { continue }
                if let coerced = try coerce(member.value, to: sub, path: "\(path).\(member.name)", keepReadOnly: keepReadOnly) {
                    result[sub?.name ?? member.name] = coerced
                }
            }
            return result.isEmpty ? nil : .object(result)
        }
    }

    private static func article(_ type: SCIMAttribute.DataType) -> String {
        switch type {
        case .string: "a string"
        case .boolean: "a boolean"
        case .decimal: "a number"
        case .integer: "an integer"
        case .dateTime: "a dateTime string"
        case .reference: "a reference string"
        case .complex: "an object"
        case .binary: "a base64 string"
        }
    }
}
