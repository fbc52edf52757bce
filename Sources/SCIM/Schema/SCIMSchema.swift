/// A schema (RFC 7643 §7): an id URN and its attribute definitions.
public struct SCIMSchema: Sendable, Equatable {
    /// The schema URN.
    public var id: String
    /// A short name, such as `User`.
    public var name: String
    /// A human-readable description.
    public var description: String
    /// The attribute definitions.
    public var attributes: [SCIMAttribute]

    /// A schema of `attributes`.
    public init(id: String, name: String, description: String, attributes: [SCIMAttribute]) {
        self.id = id
        self.name = name
        self.description = description
        self.attributes = attributes
    }

    /// The attribute named `name`, ignoring case.
    public func attribute(named name: String) -> SCIMAttribute? {
        attributes.first { $0.name.scimEquals(name) }
    }

    /// The Schema resource (RFC 7643 §7) served under `/Schemas`, with `meta.location` when a
    /// base URL (such as `https://sso.example.com/scim/v2`) is given.
    public func document(baseURL: String? = nil) -> SCIMValue {
        var object = SCIMObject()
        object["schemas"] = .array([.string(SCIMSchemaURN.schema)])
        object["id"] = .string(id)
        object["name"] = .string(name)
        object["description"] = .string(description)
        object["attributes"] = .array(attributes.map(\.document))
        var meta: SCIMObject = ["resourceType": "Schema"]
        if let baseURL { meta["location"] = .string("\(baseURL)/Schemas/\(id)") }
        object["meta"] = .object(meta)
        return .object(object)
    }
}
