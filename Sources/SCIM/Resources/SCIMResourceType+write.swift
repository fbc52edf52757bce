extension SCIMResourceType {
    /// Reads a create (POST) body: `schemas` must name the core schema; attribute names are
    /// respelled as the schemas spell them; values are checked and coerced against their
    /// definitions; readOnly attributes the client sent (`id`, `meta`, `groups`) are ignored as
    /// RFC 7643 §2.2 requires; extensions no schema defines are kept; required attributes
    /// must be present. The caller assigns `id` and `meta` (see `stamped`).
    ///
    /// - Throws: `invalidSyntax` for a body that is not an object, `invalidValue` for a missing
    ///   or mistyped value, `invalidPath` for a member name that is not an attribute name.
    public func resourceForCreate(_ body: SCIMValue) throws(SCIMError) -> SCIMObject {
        let object = try normalized(body)
        try checkRequired(object)
        return object
    }

    /// Reads a replace (PUT) body against the stored resource: like `resourceForCreate`, then
    /// `id`, `meta` and other readOnly attributes are taken from `existing`, and an immutable
    /// attribute that already has a value must keep it.
    ///
    /// - Throws: as `resourceForCreate`, and `mutability` for a changed immutable attribute.
    public func resourceForReplace(_ body: SCIMValue, replacing existing: SCIMObject) throws(SCIMError) -> SCIMObject {
        var object = try normalized(body)
        for attribute in SCIMSchema.commonAttributes + schema.attributes {
            switch attribute.mutability {
            case .readOnly:
                if attribute.name != "schemas" { object[attribute.name] = existing[attribute.name] }
            case .immutable:
                if let old = existing[attribute.name], !old.isUnassigned, object[attribute.name] != old {
                    throw SCIMError(.mutability, "\"\(attribute.name)\" is immutable")
                }
            case .readWrite, .writeOnly:
                break
            }
        }
        try checkRequired(object)
        return object
    }

    /// `object` with `schemas` first, then `id`, the attributes, and `meta` last, carrying the
    /// given id and metadata; `meta.resourceType` is this type's name.
    public func stamped(_ object: SCIMObject, id: String, meta: SCIMMeta) -> SCIMObject {
        var result = SCIMObject()
        result["schemas"] = object["schemas"] ?? .array([.string(schema.id)])
        result["id"] = .string(id)
        for member in object.members where !["schemas", "id", "meta"].contains(member.name.lowercased()) {
            result[member.name] = member.value
        }
        result["meta"] = meta.document(resourceType: name)
        return result
    }

    private func normalized(_ body: SCIMValue) throws(SCIMError) -> SCIMObject {
        guard let input = body.objectValue else { throw SCIMError(.invalidSyntax, "a \(name) must be a JSON object") }
        guard let listed = input["schemas"]?.arrayValue, listed.allSatisfy({ $0.stringValue != nil }),
            listed.contains(where: { $0.stringValue!.scimEquals(schema.id) })
        else {
            throw SCIMError(.invalidValue, "\"schemas\" must be an array that includes \(schema.id)")
        }
        var object = SCIMObject()
        var schemas: [SCIMValue] = [.string(schema.id)]
        object["schemas"] = .array(schemas)
        for member in input.members where !member.name.scimEquals("schemas") {
            if let extensionSchema = extensionSchema(member.name) {
                guard let inner = member.value.objectValue else {
                    if member.value.isNull { continue }
                    throw SCIMError(.invalidValue, "\"\(member.name)\" must be an object of the extension's attributes")
                }
                var stored = SCIMObject()
                for attribute in inner.members {
                    let definition = extensionSchema.attribute(named: attribute.name)
                    if definition?.mutability == .readOnly { continue }
                    let path = "\(extensionSchema.id):\(attribute.name)"
                    if let value = try Self.coerce(attribute.value, to: definition, path: path) {
                        stored[definition?.name ?? attribute.name] = value
                    }
                }
                if !stored.isEmpty {
                    object[extensionSchema.id] = .object(stored)
                    schemas.append(.string(extensionSchema.id))
                }
                continue
            }
            if member.name.lowercased().hasPrefix("urn:"), member.value.objectValue != nil {
                // An extension no schema of this type defines: kept as it is.
                if !member.value.isUnassigned {
                    object[member.name] = member.value
                    schemas.append(.string(member.name))
                }
                continue
            }
            let path: SCIMAttributePath
            do {
                path = try SCIMAttributePath.parse(member.name)
            } catch {
                throw SCIMError(.invalidPath, "\"\(member.name.prefix(80))\" is not an attribute name")
            }
            guard path.subAttribute == nil else {
                throw SCIMError(.invalidPath, "\"\(member.name.prefix(80))\" is not an attribute name")
            }
            let resolved = try resolve(path)
            if resolved.attribute?.mutability == .readOnly { continue }
            guard let value = try Self.coerce(member.value, to: resolved.attribute, path: resolved.name) else { continue }
            if let container = resolved.container {
                var inner = object[container]?.objectValue ?? SCIMObject()
                inner[resolved.name] = value
                object[container] = .object(inner)
                if !schemas.contains(where: { $0.stringValue?.scimEquals(container) ?? false }) { schemas.append(.string(container)) }
            } else {
                object[resolved.name] = value
            }
        }
        object["schemas"] = .array(schemas)
        return object
    }
}
