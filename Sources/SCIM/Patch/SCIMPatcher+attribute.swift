// Operations on one attribute or sub-attribute, without a value filter.
extension SCIMPatcher {
    mutating func applyAttribute(_ kind: SCIMPatchOperation.Kind, _ resolved: SCIMResolvedPath, _ value: SCIMValue?)
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

    mutating func applyWhole(
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
}
