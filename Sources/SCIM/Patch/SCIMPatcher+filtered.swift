// Operations whose path carries a value filter (`emails[type eq "work"].value`).
extension SCIMPatcher {
    mutating func applyFiltered(
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
    static func seed(from filter: SCIMFilter, attribute: SCIMAttribute?) -> SCIMObject? {
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
}
