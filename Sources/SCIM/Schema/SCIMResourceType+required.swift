extension SCIMResourceType {
    /// Checks that `object` carries every required attribute of the core schema and of each
    /// required extension. An empty string does not count: it cannot identify anyone.
    ///
    /// - Throws: `invalidValue` naming the first missing attribute.
    func checkRequired(_ object: SCIMObject) throws(SCIMError) {
        for attribute in schema.attributes where attribute.required {
            if Self.isMissing(object[attribute.name]) {
                throw SCIMError(.invalidValue, "\"\(attribute.name)\" is required")
            }
        }
        for extensionSchema in extensions where extensionSchema.required {
            guard let container = object[extensionSchema.schema.id]?.objectValue else {
                throw SCIMError(.invalidValue, "the extension \(extensionSchema.schema.id) is required")
            }
            for attribute in extensionSchema.schema.attributes where attribute.required {
                if Self.isMissing(container[attribute.name]) {
                    throw SCIMError(.invalidValue, "\"\(extensionSchema.schema.id):\(attribute.name)\" is required")
                }
            }
        }
    }

    private static func isMissing(_ value: SCIMValue?) -> Bool {
        guard let value else { return true }
        return value.isUnassigned || value == ""
    }
}
