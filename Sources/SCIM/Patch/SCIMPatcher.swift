/// Applies PATCH operations to one resource, following the schema of its type.
struct SCIMPatcher {
    var object: SCIMObject
    let type: SCIMResourceType

    mutating func apply(_ operation: SCIMPatchOperation) throws(SCIMError) {
        guard let path = operation.path else {
            try applyWithoutPath(operation.kind, operation.value)
            return
        }
        let attribute = path.attribute
        if path.filter == nil, attribute.subAttribute == nil, let schema = attribute.schema,
            let extensionSchema = type.extensionSchema("\(schema):\(attribute.name)")
        {
            try applyToExtension(operation.kind, extensionSchema.id, operation.value)
            return
        }
        let resolved = try type.resolve(attribute)
        if let filter = path.filter {
            try applyFiltered(operation.kind, resolved, path: path, filter: filter, operation.value)
        } else {
            try applyAttribute(operation.kind, resolved, operation.value)
        }
    }

    /// RFC 7644 §3.5.2.1/3: without a path the value is an object of attributes. Each member
    /// name is read as a path, so the shapes clients send all work: plain names, an extension
    /// URN holding an object, a URN-prefixed name (`urn:…:User:department`) and a dotted name
    /// (`name.givenName`).
    private mutating func applyWithoutPath(_ kind: SCIMPatchOperation.Kind, _ value: SCIMValue?) throws(SCIMError) {
        guard kind != .remove else { throw SCIMError(.noTarget, "a remove operation needs a path") }
        guard let members = value?.objectValue else {
            throw SCIMError(.invalidValue, "an operation without a path needs an object of attributes as its value")
        }
        for member in members.members {
            if member.name.scimEquals("schemas") { continue }
            if let extensionSchema = type.extensionSchema(member.name) {
                try applyToExtension(kind, extensionSchema.id, member.value)
                continue
            }
            let path: SCIMAttributePath
            do {
                path = try SCIMAttributePath.parse(member.name)
            } catch {
                if member.name.lowercased().hasPrefix("urn:"), member.value.objectValue != nil {
                    // An extension no schema of this type defines: kept as it is.
                    try applyToExtension(kind, member.name, member.value)
                    continue
                }
                throw error
            }
            if let schema = path.schema, !type.schemaURNs.contains(where: { $0.scimEquals(schema) }),
                member.value.objectValue != nil, path.subAttribute == nil
            {
                try applyToExtension(kind, member.name, member.value)
                continue
            }
            try applyAttribute(kind, try type.resolve(path), member.value)
        }
    }

    private mutating func applyToExtension(_ kind: SCIMPatchOperation.Kind, _ urn: String, _ value: SCIMValue?) throws(SCIMError) {
        if kind == .remove {
            if let value, !value.isNull {
                throw SCIMError(.invalidValue, "remove the extension \(urn) by its path alone, without a value")
            }
            let schemaDefinition = type.extensionSchema(urn)
            for attribute in schemaDefinition?.attributes ?? [] where attribute.mutability == .readOnly {
                if object[urn]?.objectValue?[attribute.name] != nil {
                    throw SCIMError(.mutability, "\"\(urn):\(attribute.name)\" is readOnly")
                }
            }
            object[urn] = nil
            setSchemaListed(urn, false)
            return
        }
        guard let members = value?.objectValue else {
            throw SCIMError(.invalidValue, "the value for the extension \(urn) must be an object of its attributes")
        }
        for member in members.members {
            let path: SCIMAttributePath
            do {
                path = try SCIMAttributePath.parse(member.name)
            } catch {
                throw SCIMError(.invalidPath, "\"\(member.name)\" in \(urn) is not an attribute name")
            }
            guard path.schema == nil else { throw SCIMError(.invalidPath, "\"\(member.name)\" in \(urn) is not an attribute name") }
            let resolved = try type.resolve(SCIMAttributePath(schema: urn, name: path.name, subAttribute: path.subAttribute))
            try applyAttribute(kind, resolved, member.value)
        }
    }

    // MARK: - One attribute, no filter

    private mutating func applyAttribute(_ kind: SCIMPatchOperation.Kind, _ resolved: SCIMResolvedPath, _ value: SCIMValue?)
        throws(SCIMError)
    {
        let attribute = resolved.attribute
        let current = resolved.value(in: object)
        let shown = Self.describe(resolved)
        if attribute?.name == "schemas", resolved.container == nil {
            throw SCIMError(.mutability, "\"schemas\" follows the attributes present; it is not written by PATCH")
        }
        if let leaf = resolved.leaf, leaf.mutability == .readOnly || attribute?.mutability == .readOnly {
            // A client that echoes a readOnly value unchanged (Okta sends the id back) changes nothing.
            if kind != .remove, let value, let given = try? Self.coerce(value, leaf, shown, allowReadOnly: true) {
                let existing = resolved.subName == nil ? current : current?.objectValue?[resolved.subName!]
                if existing.map({ Self.equal($0, given, leaf) }) ?? false { return }
            } else if kind != .remove, value?.isUnassigned ?? false {
                // Okta sends "groups": [] with its users; writing nothing over nothing changes nothing.
                let existing = resolved.subName == nil ? current : current?.objectValue?[resolved.subName!]
                if existing?.isUnassigned ?? true { return }
            }
            throw SCIMError(.mutability, "\"\(shown)\" is readOnly")
        }
        guard let subName = resolved.subName else {
            try applyWhole(kind, resolved, current: current, value)
            return
        }
        let sub = resolved.subAttribute
        if let sub, sub.mutability == .immutable, kind != .add || current != nil {
            throw SCIMError(.mutability, "\"\(shown)\" is immutable")
        }
        let coerced: SCIMValue? = kind == .remove ? nil : try value.flatMap { v throws(SCIMError) in try Self.coerce(v, sub, shown) }
        if attribute?.multiValued ?? (current?.arrayValue != nil) {
            var elements = current?.arrayValue ?? []
            if elements.isEmpty {
                if let coerced { elements = [.object(SCIMObject([(name: subName, value: coerced)]))] }
            } else {
                for index in elements.indices {
                    guard var element = elements[index].objectValue else { continue }
                    element[subName] = coerced
                    elements[index] = element.isEmpty ? .null : .object(element)
                }
                elements.removeAll(where: \.isNull)
            }
            setValue(resolved, elements.isEmpty ? nil : .array(elements))
        } else {
            if let current, current.objectValue == nil, !current.isNull {
                throw SCIMError(.invalidPath, "\"\(resolved.name)\" holds no object, so \"\(shown)\" names nothing")
            }
            var parent = current?.objectValue ?? SCIMObject()
            parent[subName] = coerced
            setValue(resolved, parent.isEmpty ? nil : .object(parent))
        }
    }

    private mutating func applyWhole(
        _ kind: SCIMPatchOperation.Kind, _ resolved: SCIMResolvedPath, current: SCIMValue?, _ value: SCIMValue?
    ) throws(SCIMError) {
        let attribute = resolved.attribute
        let shown = Self.describe(resolved)
        let isMultiValued = attribute?.multiValued ?? (current?.arrayValue != nil || value?.arrayValue != nil)
        let isComplex = attribute.map { $0.type == .complex } ?? (current?.objectValue != nil && value?.objectValue != nil)
        let assigned = current.map { !$0.isUnassigned } ?? false
        switch kind {
        case .remove:
            if attribute?.mutability == .immutable, assigned { throw SCIMError(.mutability, "\"\(shown)\" is immutable") }
            guard let value, !value.isNull, isMultiValued else {
                setValue(resolved, nil)
                return
            }
            // Entra ID removes group members as {"op":"Remove","path":"members","value":[{"value":"…"}]}.
            var elements = current?.arrayValue ?? []
            let index = SCIMElementIndex(elements, attribute)
            var removed = Set<Int>()
            for given in value.arrayValue ?? [value] {
                guard let given = try Self.coerce(given, attribute, shown, asElement: true) else { continue }
                removed.formUnion(index.matches(of: given, in: elements))
            }
            elements = elements.indices.filter { !removed.contains($0) }.map { elements[$0] }
            setValue(resolved, elements.isEmpty ? nil : .array(elements))
        case .add, .replace:
            guard let value, let coerced = try Self.coerce(value, attribute, shown) else {
                if kind == .replace {
                    if attribute?.mutability == .immutable, assigned { throw SCIMError(.mutability, "\"\(shown)\" is immutable") }
                    setValue(resolved, nil)
                }
                return
            }
            if attribute?.mutability == .immutable, assigned, let current, !Self.equal(current, coerced, attribute) {
                throw SCIMError(.mutability, "\"\(shown)\" is immutable")
            }
            if isMultiValued {
                let adding = coerced.arrayValue ?? [coerced]
                var elements = kind == .add ? (current?.arrayValue ?? []) : []
                var written: [Int] = []
                var index = SCIMElementIndex(elements, attribute)
                for element in adding {
                    if let position = index.matches(of: element, in: elements).first {
                        if let old = elements[position].objectValue, let new = element.objectValue {
                            elements[position] = .object(Self.merge(old, new))
                        }
                        written.append(position)
                    } else {
                        elements.append(element)
                        index.insert(element, at: elements.count - 1)
                        written.append(elements.count - 1)
                    }
                }
                Self.keepOnePrimary(&elements, preferring: written)
                setValue(resolved, .array(elements))
            } else if isComplex, let old = current?.objectValue, let new = coerced.objectValue {
                // RFC 7644 §3.5.2.1 and §3.5.2.3: sub-attributes not given are left unchanged.
                setValue(resolved, .object(Self.merge(old, new)))
            } else {
                setValue(resolved, coerced)
            }
        }
    }

    // MARK: - Filtered paths

    private mutating func applyFiltered(
        _ kind: SCIMPatchOperation.Kind, _ resolved: SCIMResolvedPath, path: SCIMPatchPath, filter: SCIMFilter, _ value: SCIMValue?
    ) throws(SCIMError) {
        let attribute = resolved.attribute
        let shown = path.description
        if let attribute, attribute.type != .complex {
            throw SCIMError(.invalidPath, "\"\(attribute.name)\" is not a complex attribute, so \"\(shown)\" cannot filter it")
        }
        do {
            try SCIMFilter.valuePath(path.attribute, filter).validate(for: type)
        } catch {
            throw SCIMError(.invalidPath, "the filter in \"\(shown)\" is invalid: \(error.detail)")
        }
        if attribute?.mutability == .readOnly { throw SCIMError(.mutability, "\"\(resolved.name)\" is readOnly") }
        var subName = path.filteredSubAttribute
        var sub: SCIMAttribute?
        if let name = subName, let attribute {
            guard let definition = attribute.subAttribute(named: name) else {
                throw SCIMError(.invalidPath, "\"\(attribute.name)\" has no sub-attribute \"\(name)\"")
            }
            sub = definition
            subName = definition.name
            if definition.mutability == .readOnly || (definition.mutability == .immutable && kind != .remove) {
                throw SCIMError(.mutability, "\"\(attribute.name).\(definition.name)\" is \(definition.mutability.rawValue)")
            }
        }
        let current = resolved.value(in: object)
        let isMultiValued = attribute?.multiValued ?? (current?.arrayValue != nil)
        var elements: [SCIMValue] = current.map { $0.arrayValue ?? [$0] } ?? []
        let matching = elements.indices.filter { index in
            elements[index].objectValue.map { filter.evaluate($0, scope: .element(attribute)) } ?? false
        }
        var written: [Int] = []
        switch kind {
        case .remove:
            if let subName {
                for index in matching {
                    guard var element = elements[index].objectValue else { continue }
                    element[subName] = nil
                    elements[index] = .object(element)
                }
            } else {
                // Removing a value that is already gone leaves the resource as the client wants it.
                for index in matching.reversed() { elements.remove(at: index) }
            }
        case .add, .replace:
            guard let value else { return }
            let coerced: SCIMValue?
            if subName != nil {
                coerced = try Self.coerce(value, sub, shown)
            } else {
                coerced = try Self.coerce(value, attribute, shown, asElement: true)
            }
            if matching.isEmpty {
                // Entra ID writes emails[type eq "work"].value to create the work address when
                // absent. Replacing a whole element that is not there stays an error (RFC 7644 §3.5.2.3).
                guard kind == .add || subName != nil, let seed = Self.seed(from: filter, attribute: attribute) else {
                    throw SCIMError(.noTarget, "no value of \"\(resolved.name)\" matches \"\(shown)\"")
                }
                var element = seed
                if let subName {
                    element[subName] = coerced
                } else if let new = coerced?.objectValue {
                    element = Self.merge(element, new)
                }
                elements.append(.object(element))
                written.append(elements.count - 1)
            } else {
                for index in matching {
                    let old = elements[index].objectValue ?? SCIMObject()
                    if let subName {
                        var element = old
                        element[subName] = coerced
                        elements[index] = .object(element)
                    } else if let new = coerced?.objectValue {
                        elements[index] = .object(kind == .add ? Self.merge(old, new) : new)
                    } else {
                        elements[index] = .null
                    }
                    written.append(index)
                }
            }
        }
        elements = elements.filter { !$0.isUnassigned }
        Self.keepOnePrimary(&elements, preferring: written)
        if elements.isEmpty {
            setValue(resolved, nil)
        } else {
            setValue(resolved, isMultiValued ? .array(elements) : elements[0])
        }
    }

    /// The element a filter of `eq` comparisons describes, such as `{"type":"work"}` for
    /// `type eq "work"`; nil when the filter says anything else.
    private static func seed(from filter: SCIMFilter, attribute: SCIMAttribute?) -> SCIMObject? {
        var element = SCIMObject()
        func collect(_ filter: SCIMFilter) -> Bool {
            switch filter {
            case .compare(let path, .eq, let literal) where !literal.isNull && path.subAttribute == nil:
                let name = attribute?.subAttribute(named: path.name)?.name ?? path.name
                if element[name] != nil { return false }
                element[name] = literal
                return true
            case .and(let operands):
                return operands.allSatisfy(collect)
            default:
                return false
            }
        }
        return collect(filter) ? element : nil
    }

    // MARK: - Helpers

    private mutating func setValue(_ resolved: SCIMResolvedPath, _ value: SCIMValue?) {
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

    private mutating func setSchemaListed(_ urn: String, _ listed: Bool) {
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

    private static func describe(_ resolved: SCIMResolvedPath) -> String {
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
