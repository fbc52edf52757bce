// Writing values back, and comparing and merging the values of multi-valued attributes.
extension SCIMPatcher {
    mutating func setValue(_ resolved: SCIMResolvedPath, _ value: SCIMValue?) {
        let stored = value.flatMap { $0.isUnassigned ? nil : $0 }
        guard let container = resolved.container else {
            object[resolved.name] = stored
            return
        }
        var inner = object[container]?.objectValue ?? SCIMObject()
        inner[resolved.name] = stored
        if inner.isEmpty {
            object[container] = nil
            setSchemaListed(container, false)
        } else {
            object[container] = .object(inner)
            setSchemaListed(container, true)
        }
    }

    mutating func setSchemaListed(_ urn: String, _ listed: Bool) {
        var schemas = object["schemas"]?.arrayValue ?? []
        let present = schemas.contains { $0.stringValue?.scimEquals(urn) ?? false }
        if listed, !present {
            schemas.append(.string(urn))
        } else if !listed, present {
            schemas.removeAll { $0.stringValue?.scimEquals(urn) ?? false }
        } else {
            return
        }
        object["schemas"] = .array(schemas)
    }

    static func describe(_ resolved: SCIMResolvedPath) -> String {
        (resolved.container.map { $0 + ":" } ?? "") + resolved.name + (resolved.subName.map { "." + $0 } ?? "")
    }

    static func coerce(
        _ value: SCIMValue, _ definition: SCIMAttribute?, _ path: String, asElement: Bool = false, allowReadOnly: Bool = false
    ) throws(SCIMError) -> SCIMValue? {
        try SCIMResourceType.coerce(value, to: definition, path: path, asElement: asElement, keepReadOnly: allowReadOnly)
    }

    /// Values equal under the definition's caseExact (objects member by member).
    static func equal(_ lhs: SCIMValue, _ rhs: SCIMValue, _ definition: SCIMAttribute?) -> Bool {
        switch (lhs, rhs) {
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { equal($0, $1, definition) }
        case (.object(let left), .object(let right)):
            guard left.members.count == right.members.count else { return false }
            return left.members.allSatisfy { member in
                right[member.name].map { equal(member.value, $0, definition?.subAttribute(named: member.name)) } ?? false
            }
        case (.string, .string), (.integer, _), (.decimal, _):
            return SCIMFilter.compare(lhs, .eq, rhs, definition)
        default:
            return lhs == rhs
        }
    }

    /// Whether two values of a multi-valued attribute are the same value: complex values with a
    /// `value` are the same when `value` is equal and `type` does not differ.
    static func sameElement(_ lhs: SCIMValue, _ rhs: SCIMValue, _ definition: SCIMAttribute?) -> Bool {
        guard let left = lhs.objectValue, let right = rhs.objectValue else { return equal(lhs, rhs, definition) }
        guard let leftValue = left["value"], let rightValue = right["value"] else { return left == right }
        let valueDefinition = definition?.subAttribute(named: "value")
        guard equal(leftValue, rightValue, valueDefinition) else { return false }
        guard let leftType = left["type"], let rightType = right["type"] else { return true }
        return equal(leftType, rightType, definition?.subAttribute(named: "type"))
    }

    static func merge(_ old: SCIMObject, _ new: SCIMObject) -> SCIMObject {
        var result = old
        for member in new.members { result[member.name] = member.value }
        return result
    }

    /// RFC 7643 §2.4: at most one value is primary; the value just written wins.
    static func keepOnePrimary(_ elements: inout [SCIMValue], preferring written: [Int]) {
        let primaries = elements.indices.filter { elements[$0].objectValue?["primary"]?.boolValue == true }
        guard primaries.count > 1 else { return }
        let keep = written.last(where: { primaries.contains($0) }) ?? primaries[0]
        for index in primaries where index != keep {
            guard var element = elements[index].objectValue else { continue }
            element["primary"] = .bool(false)
            elements[index] = .object(element)
        }
    }
}
