/// Where an attribute path lands in a resource of some type, and the definitions on the way.
struct SCIMResolvedPath: Sendable {
    /// The extension URN whose object holds the attribute; nil for core and common attributes.
    var container: String?
    /// The attribute name, in the schema's spelling when known.
    var name: String
    /// The definition, nil for an attribute no schema of the type defines (kept, not typed).
    var attribute: SCIMAttribute?
    /// The sub-attribute name, in the schema's spelling when known.
    var subName: String?
    /// The sub-attribute definition, when known.
    var subAttribute: SCIMAttribute?

    /// The definition of what the path finally names.
    var leaf: SCIMAttribute? { subName == nil ? attribute : subAttribute }

    /// The attribute's current value in `object`.
    func value(in object: SCIMObject) -> SCIMValue? {
        guard let container else { return object[name] }
        return object[container]?.objectValue?[name]
    }
}

extension SCIMResourceType {
    /// Resolves `path` against the core schema, the common attributes and the extensions.
    ///
    /// A path without a URN is looked up in the common attributes, the core schema and then
    /// the extensions. Attributes no schema defines resolve without a definition, so unknown
    /// data is kept; a sub-attribute of a known simple attribute, or one its complex parent
    /// does not define, is an error.
    ///
    /// - Throws: `invalidPath`.
    func resolve(_ path: SCIMAttributePath) throws(SCIMError) -> SCIMResolvedPath {
        var resolved: SCIMResolvedPath
        if let urn = path.schema {
            if urn.scimEquals(schema.id) {
                resolved = coreAttribute(path.name)
            } else if let extensionSchema = extensionSchema(urn) {
                let attribute = extensionSchema.attribute(named: path.name)
                resolved = SCIMResolvedPath(container: extensionSchema.id, name: attribute?.name ?? path.name, attribute: attribute)
            } else {
                resolved = SCIMResolvedPath(container: urn, name: path.name, attribute: nil)
            }
        } else {
            resolved = coreAttribute(path.name)
            if resolved.attribute == nil {
                for candidate in extensions {
                    if let attribute = candidate.schema.attribute(named: path.name) {
                        resolved = SCIMResolvedPath(container: candidate.schema.id, name: attribute.name, attribute: attribute)
                        break
                    }
                }
            }
        }
        guard let subName = path.subAttribute else { return resolved }
        guard let attribute = resolved.attribute else {
            resolved.subName = subName
            return resolved
        }
        guard attribute.type == .complex else {
            throw SCIMError(.invalidPath, "\"\(attribute.name)\" has no sub-attributes, so \"\(path)\" names nothing")
        }
        guard let sub = attribute.subAttribute(named: subName) else {
            throw SCIMError(.invalidPath, "\"\(attribute.name)\" has no sub-attribute \"\(subName)\"")
        }
        resolved.subName = sub.name
        resolved.subAttribute = sub
        return resolved
    }

    private func coreAttribute(_ name: String) -> SCIMResolvedPath {
        let attribute = SCIMSchema.commonAttributes.first { $0.name.scimEquals(name) } ?? schema.attribute(named: name)
        return SCIMResolvedPath(container: nil, name: attribute?.name ?? name, attribute: attribute)
    }
}
