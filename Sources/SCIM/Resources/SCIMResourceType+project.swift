import Foundation

extension SCIMResourceType {
    /// The representation of `resource` to return (RFC 7644 §3.4.2.5, §3.9): attributes
    /// `returned: never` (password) are always left out, `returned: always` (id, schemas) always
    /// kept. With `attributes`, only those (whole attributes, sub-attributes such as
    /// `name.givenName`, or a whole extension by its URN) are returned; otherwise everything
    /// `default`, minus `excludedAttributes`.
    ///
    /// - Throws: `invalidPath` for a list entry that is not an attribute path.
    public func project(_ resource: SCIMObject, attributes: [String] = [], excludedAttributes: [String] = []) throws(SCIMError)
        -> SCIMObject
    {
        let included = try selection(attributes)
        let excluded = try selection(excludedAttributes)
        var result = SCIMObject()
        for member in resource.members {
            if member.name.scimEquals("schemas") {
                result[member.name] = member.value
                continue
            }
            let container = extensionSchema(member.name)?.id ?? (member.name.lowercased().hasPrefix("urn:") ? member.name : nil)
            if let container, let inner = member.value.objectValue {
                let wholeExtension = Selection.Key(container: container.lowercased(), name: "")
                var kept = SCIMObject()
                for attribute in inner.members {
                    let definition = extensionSchema(container)?.attribute(named: attribute.name)
                    let key = Selection.Key(container: container.lowercased(), name: attribute.name.lowercased())
                    if let value = pick(
                        attribute.value, definition, key, included: included, excluded: excluded,
                        wholeSelected: included.attributes.contains(wholeExtension))
                    {
                        kept[attribute.name] = value
                    }
                }
                if !kept.isEmpty { result[member.name] = .object(kept) }
                continue
            }
            let definition = SCIMSchema.commonAttributes.first { $0.name.scimEquals(member.name) } ?? schema.attribute(named: member.name)
            let key = Selection.Key(container: "", name: member.name.lowercased())
            if let value = pick(member.value, definition, key, included: included, excluded: excluded, wholeSelected: false) {
                result[member.name] = value
            }
        }
        if !result.names.contains(where: { $0.scimEquals("schemas") }), let schemas = resource["schemas"] {
            result["schemas"] = schemas
        }
        return result
    }

    private struct Selection {
        struct Key: Hashable {
            var container: String
            var name: String
        }
        var attributes: Set<Key> = []
        var subAttributes: [Key: Set<String>] = [:]
        var isEmpty: Bool { attributes.isEmpty && subAttributes.isEmpty }
    }

    private func selection(_ list: [String]) throws(SCIMError) -> Selection {
        var selection = Selection()
        for entry in list {
            let text = entry.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if let extensionSchema = extensionSchema(text) {
                selection.attributes.insert(Selection.Key(container: extensionSchema.id.lowercased(), name: ""))
                continue
            }
            let resolved = try resolve(try SCIMAttributePath.parse(text))
            let key = Selection.Key(container: resolved.container?.lowercased() ?? "", name: resolved.name.lowercased())
            if let sub = resolved.subName {
                selection.subAttributes[key, default: []].insert(sub.lowercased())
            } else {
                selection.attributes.insert(key)
            }
        }
        return selection
    }

    private func pick(
        _ value: SCIMValue, _ definition: SCIMAttribute?, _ key: Selection.Key, included: Selection, excluded: Selection,
        wholeSelected: Bool
    ) -> SCIMValue? {
        let returned = definition?.returned ?? .default
        if returned == .never { return nil }
        if returned == .always { return value }
        if !included.isEmpty {
            if wholeSelected || included.attributes.contains(key) { return value }
            guard let subs = included.subAttributes[key] else { return nil }
            return Self.keepSubAttributes(value, definition) { subs.contains($0.lowercased()) }
        }
        if returned == .request { return nil }
        if excluded.attributes.contains(key) { return nil }
        if let subs = excluded.subAttributes[key] {
            return Self.keepSubAttributes(value, definition) { !subs.contains($0.lowercased()) }
        }
        return Self.keepSubAttributes(value, definition) { _ in true }
    }

    /// `value` (an object, or an array of objects) with only the sub-attributes `keep` accepts,
    /// plus those returned always, minus those returned never.
    private static func keepSubAttributes(_ value: SCIMValue, _ definition: SCIMAttribute?, keep: (String) -> Bool) -> SCIMValue? {
        func filtered(_ object: SCIMObject) -> SCIMObject {
            var result = SCIMObject()
            for member in object.members {
                let returned = definition?.subAttribute(named: member.name)?.returned ?? .default
                if returned == .never { continue }
                if returned == .always || keep(member.name) { result[member.name] = member.value }
            }
            return result
        }
        switch value {
        case .object(let object):
            let result = filtered(object)
            return result.isEmpty ? nil : .object(result)
        case .array(let elements):
            let result = elements.compactMap { element -> SCIMValue? in
                guard let object = element.objectValue else { return element }
                let kept = filtered(object)
                return kept.isEmpty ? nil : .object(kept)
            }
            return result.isEmpty ? nil : .array(result)
        default:
            return value
        }
    }
}
