import Foundation

extension SCIMFilter {
    /// Checks the filter against the schemas of `type`: value filters only on complex or
    /// multi-valued attributes, no ordering on booleans or binaries, no substring operators on
    /// numbers or booleans, date literals that parse, and sub-attributes the schema defines.
    ///
    /// - Throws: `invalidFilter`.
    public func validate(for type: SCIMResourceType) throws(SCIMError) {
        try check(in: .resource(type))
    }

    /// Whether `resource` (a resource of `type`) satisfies the filter. String comparisons fold
    /// case unless the schema makes the attribute caseExact; dateTime attributes compare as
    /// instants; a multi-valued attribute matches when any of its values does.
    ///
    /// - Throws: `invalidFilter` when `validate(for:)` would.
    public func matches(_ resource: SCIMObject, in type: SCIMResourceType) throws(SCIMError) -> Bool {
        try validate(for: type)
        return evaluate(resource, in: .resource(type))
    }

    /// Whether `object` satisfies a filter already validated for `scope`.
    func evaluate(_ object: SCIMObject, scope: Scope) -> Bool {
        evaluate(object, in: scope)
    }

    /// Where the filter's paths are resolved: a resource, or one value of a complex attribute.
    enum Scope {
        case resource(SCIMResourceType)
        case element(SCIMAttribute?)
    }

    private func check(in scope: Scope) throws(SCIMError) {
        switch self {
        case .and(let operands), .or(let operands):
            for operand in operands { try operand.check(in: scope) }
        case .not(let operand):
            try operand.check(in: scope)
        case .present(let path):
            _ = try Self.leaf(of: path, in: scope)
        case .compare(let path, let op, let literal):
            let leaf = try Self.leaf(of: path, in: scope)
            try Self.check(op, literal, against: leaf, path: path)
        case .valuePath(let path, let inner):
            let definition = try Self.leaf(of: path, in: scope)
            if case .element = scope {
                throw SCIMError(.invalidFilter, "a value filter cannot contain another value filter")
            }
            if let definition, definition.type != .complex {
                throw SCIMError(.invalidFilter, "\"\(path)\" is not a complex attribute, so it takes no value filter")
            }
            try inner.check(in: .element(definition))
        }
    }

    /// The definition of what `path` names in `scope`; for a complex attribute compared as a
    /// whole, its `value` sub-attribute (RFC 7644 §3.4.2.2, `emails co "example.com"`).
    static func leaf(of path: SCIMAttributePath, in scope: Scope) throws(SCIMError) -> SCIMAttribute? {
        switch scope {
        case .resource(let type):
            let resolved: SCIMResolvedPath
            do {
                resolved = try type.resolve(path)
            } catch {
                throw SCIMError(.invalidFilter, error.detail)
            }
            return resolved.leaf
        case .element(let parent):
            guard path.schema == nil, path.subAttribute == nil else {
                throw SCIMError(.invalidFilter, "a value filter names sub-attributes only, not \"\(path)\"")
            }
            guard let parent else { return nil }
            guard let sub = parent.subAttribute(named: path.name) else {
                throw SCIMError(.invalidFilter, "\"\(parent.name)\" has no sub-attribute \"\(path.name)\"")
            }
            return sub
        }
    }

    private static func comparedDefinition(_ leaf: SCIMAttribute?) -> SCIMAttribute? {
        guard let leaf, leaf.type == .complex else { return leaf }
        return leaf.subAttribute(named: "value")
    }

    private static func check(
        _ op: SCIMFilterOperator, _ literal: SCIMValue, against leaf: SCIMAttribute?, path: SCIMAttributePath
    ) throws(SCIMError) {
        if let leaf, leaf.type == .complex, leaf.subAttribute(named: "value") == nil {
            throw SCIMError(.invalidFilter, "\"\(path)\" is a complex attribute; compare one of its sub-attributes")
        }
        let ordering: Set<SCIMFilterOperator> = [.gt, .ge, .lt, .le]
        let substring: Set<SCIMFilterOperator> = [.co, .sw, .ew]
        if literal.isNull {
            guard op == .eq || op == .ne else { throw SCIMError(.invalidFilter, "\"\(op.rawValue)\" cannot compare with null") }
            return
        }
        if case .array = literal { throw SCIMError(.invalidFilter, "a filter value cannot be an array") }
        guard let definition = comparedDefinition(leaf) else {
            if substring.contains(op), literal.stringValue == nil {
                throw SCIMError(.invalidFilter, "\"\(op.rawValue)\" needs a string value")
            }
            if ordering.contains(op), literal.boolValue != nil {
                throw SCIMError(.invalidFilter, "\"\(op.rawValue)\" cannot order booleans")
            }
            return
        }
        switch definition.type {
        case .boolean:
            guard literal.boolValue != nil, op == .eq || op == .ne else {
                throw SCIMError(.invalidFilter, "\"\(path)\" is boolean: only eq or ne with true or false")
            }
        case .binary:
            guard literal.stringValue != nil, !ordering.contains(op) else {
                throw SCIMError(.invalidFilter, "\"\(path)\" is binary: it cannot be ordered")
            }
        case .integer, .decimal:
            guard literal.doubleValue != nil, !substring.contains(op) else {
                throw SCIMError(.invalidFilter, "\"\(path)\" is a number: compare it with a number and eq, ne, gt, ge, lt or le")
            }
        case .dateTime:
            guard let text = literal.stringValue else {
                throw SCIMError(.invalidFilter, "\"\(path)\" is a dateTime: compare it with a string")
            }
            if !substring.contains(op), SCIMDateTime.parse(text) == nil {
                throw SCIMError(.invalidFilter, "\"\(text.prefix(40))\" is not an xsd:dateTime such as 2011-05-13T04:42:34Z")
            }
        case .string, .reference:
            guard literal.stringValue != nil else {
                throw SCIMError(.invalidFilter, "\"\(path)\" is a string: compare it with a quoted string")
            }
        case .complex:
            throw SCIMError(.invalidFilter, "\"\(path)\" is a complex attribute; compare one of its sub-attributes")
        }
    }

    private func evaluate(_ object: SCIMObject, in scope: Scope) -> Bool {
        switch self {
        case .and(let operands): return operands.allSatisfy { $0.evaluate(object, in: scope) }
        case .or(let operands): return operands.contains { $0.evaluate(object, in: scope) }
        case .not(let operand): return !operand.evaluate(object, in: scope)
        case .present(let path):
            return !Self.candidates(of: path, in: object, scope: scope).values.isEmpty
        case .compare(let path, let op, let literal):
            let (values, leaf) = Self.candidates(of: path, in: object, scope: scope)
            if literal.isNull { return values.isEmpty == (op == .eq) }
            let definition = Self.comparedDefinition(leaf)
            if op == .ne { return !values.contains { Self.compare($0, .eq, literal, definition) } }
            return values.contains { Self.compare($0, op, literal, definition) }
        case .valuePath(let path, let inner):
            guard case .resource(let type) = scope, let resolved = try? type.resolve(path),
                let value = resolved.value(in: object)
            else { return false }
            let elements: [SCIMObject]
            switch value {
            case .array(let array): elements = array.compactMap(\.objectValue)
            case .object(let single): elements = [single]
            default: elements = []
            }
            return elements.contains { inner.evaluate($0, in: .element(resolved.leaf)) }
        }
    }

    /// The assigned values `path` names in `object`, flattened, and their definition.
    static func candidates(of path: SCIMAttributePath, in object: SCIMObject, scope: Scope) -> (
        values: [SCIMValue], leaf: SCIMAttribute?
    ) {
        var raw: SCIMValue?
        var leaf: SCIMAttribute?
        var subName: String?
        switch scope {
        case .resource(let type):
            guard let resolved = try? type.resolve(path) else { return ([], nil) }
            raw = resolved.value(in: object)
            leaf = resolved.leaf
            subName = resolved.subName
            if subName == nil, resolved.attribute?.type == .complex { subName = "value" }
        case .element(let parent):
            raw = object[path.name]
            leaf = parent?.subAttribute(named: path.name)
        }
        guard let raw else { return ([], leaf) }
        var values: [SCIMValue] = []
        func collect(_ value: SCIMValue, descend: Bool) {
            switch value {
            case .array(let elements): for element in elements { collect(element, descend: descend) }
            case .object(let inner):
                if descend, let subName, let member = inner[subName] { collect(member, descend: false) }
            default:
                if !value.isNull, !descend || subName == nil { values.append(value) }
            }
        }
        collect(raw, descend: subName != nil)
        return (values, leaf)
    }

    /// Compares one stored value with a literal (`ne` is handled by the caller as "no value is eq").
    static func compare(_ value: SCIMValue, _ op: SCIMFilterOperator, _ literal: SCIMValue, _ definition: SCIMAttribute?) -> Bool {
        let caseExact = definition?.caseExact ?? false
        switch (value, literal) {
        case (.string(let stored), .string(let given)):
            if definition?.type == .dateTime, ![.co, .sw, .ew].contains(op),
                let storedDate = SCIMDateTime.parse(stored), let givenDate = SCIMDateTime.parse(given)
            {
                return order(storedDate, givenDate, op)
            }
            let lhs = caseExact ? stored : stored.lowercased()
            let rhs = caseExact ? given : given.lowercased()
            switch op {
            case .co: return lhs.contains(rhs)
            case .sw: return lhs.hasPrefix(rhs)
            case .ew: return lhs.hasSuffix(rhs)
            default: return order(lhs, rhs, op)
            }
        case (.bool(let stored), .bool(let given)):
            return op == .eq && stored == given
        default:
            guard let stored = value.doubleValue, let given = literal.doubleValue, ![.co, .sw, .ew].contains(op) else { return false }
            return order(stored, given, op)
        }
    }

    private static func order<T: Comparable>(_ lhs: T, _ rhs: T, _ op: SCIMFilterOperator) -> Bool {
        switch op {
        case .eq: lhs == rhs
        case .ne: lhs != rhs
        case .gt: lhs > rhs
        case .ge: lhs >= rhs
        case .lt: lhs < rhs
        case .le: lhs <= rhs
        case .co, .sw, .ew: false
        }
    }
}
