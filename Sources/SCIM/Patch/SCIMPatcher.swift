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
    mutating func applyWithoutPath(_ kind: SCIMPatchOperation.Kind, _ value: SCIMValue?) throws(SCIMError) {
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

    mutating func applyToExtension(_ kind: SCIMPatchOperation.Kind, _ urn: String, _ value: SCIMValue?) throws(SCIMError) {
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
}
