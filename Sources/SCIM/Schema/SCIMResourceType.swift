/// A resource type (RFC 7643 §6): its core schema and extensions. Everything that reads or
/// writes a resource resolves attribute names through this, so behaviour follows the schemas.
public struct SCIMResourceType: Sendable, Equatable {
    /// A schema extension and whether resources must carry it.
    public struct Extension: Sendable, Equatable {
        /// The extension schema.
        public var schema: SCIMSchema
        /// Whether every resource must carry the extension.
        public var required: Bool

        /// An extension.
        public init(schema: SCIMSchema, required: Bool) {
            self.schema = schema
            self.required = required
        }
    }

    /// The resource type id and name, such as `User`.
    public var name: String
    /// The endpoint relative to the base URL, such as `/Users`.
    public var endpoint: String
    /// A human-readable description.
    public var description: String
    /// The core schema.
    public var schema: SCIMSchema
    /// The extensions.
    public var extensions: [Extension]

    /// A resource type.
    public init(name: String, endpoint: String, description: String, schema: SCIMSchema, extensions: [Extension] = []) {
        self.name = name
        self.endpoint = endpoint
        self.description = description
        self.schema = schema
        self.extensions = extensions
    }

    /// Users, with the enterprise extension (optional).
    public static let user = SCIMResourceType(
        name: "User", endpoint: "/Users", description: "User Account", schema: .user,
        extensions: [Extension(schema: .enterpriseUser, required: false)])

    /// Groups.
    public static let group = SCIMResourceType(name: "Group", endpoint: "/Groups", description: "Group", schema: .group)

    /// The extension whose URN is `urn`, ignoring case.
    public func extensionSchema(_ urn: String) -> SCIMSchema? {
        extensions.first { $0.schema.id.scimEquals(urn) }?.schema
    }

    /// Every schema URN of this type: the core one, then the extensions.
    public var schemaURNs: [String] { [schema.id] + extensions.map(\.schema.id) }

    /// The ResourceType resource (RFC 7643 §6) served under `/ResourceTypes`.
    public func document(baseURL: String? = nil) -> SCIMValue {
        var object = SCIMObject()
        object["schemas"] = .array([.string(SCIMSchemaURN.resourceType)])
        object["id"] = .string(name)
        object["name"] = .string(name)
        object["endpoint"] = .string(endpoint)
        object["description"] = .string(description)
        object["schema"] = .string(schema.id)
        object["schemaExtensions"] = .array(
            extensions.map { .object(["schema": .string($0.schema.id), "required": .bool($0.required)]) })
        var meta: SCIMObject = ["resourceType": "ResourceType"]
        if let baseURL { meta["location"] = .string("\(baseURL)/ResourceTypes/\(name)") }
        object["meta"] = .object(meta)
        return .object(object)
    }
}
