/// The discovery endpoints of RFC 7644 §4 for a set of resource types.
public struct SCIMDiscovery: Sendable, Equatable {
    /// The resource types served.
    public var resourceTypes: [SCIMResourceType]
    /// The base URL, such as `https://sso.example.com/scim/v2`, for `meta.location`.
    public var baseURL: String?

    /// Discovery for `resourceTypes` (by default User with the enterprise extension, and Group).
    public init(resourceTypes: [SCIMResourceType] = [.user, .group], baseURL: String? = nil) {
        self.resourceTypes = resourceTypes
        self.baseURL = baseURL
    }

    /// Every schema the resource types use, each once, in order.
    public var schemas: [SCIMSchema] {
        var result: [SCIMSchema] = []
        for type in resourceTypes {
            for schema in [type.schema] + type.extensions.map(\.schema) where !result.contains(where: { $0.id == schema.id }) {
                result.append(schema)
            }
        }
        return result
    }

    /// `GET /ResourceTypes`.
    public var resourceTypesList: SCIMListResponse {
        let documents = resourceTypes.map { $0.document(baseURL: baseURL) }
        return SCIMListResponse(totalResults: documents.count, resources: documents)
    }

    /// `GET /Schemas`.
    public var schemasList: SCIMListResponse {
        let documents = schemas.map { $0.document(baseURL: baseURL) }
        return SCIMListResponse(totalResults: documents.count, resources: documents)
    }

    /// `GET /ResourceTypes/<name>`; nil when unknown.
    public func resourceType(named name: String) -> SCIMValue? {
        resourceTypes.first { $0.name.scimEquals(name) }?.document(baseURL: baseURL)
    }

    /// `GET /Schemas/<urn>`; nil when unknown.
    public func schema(id: String) -> SCIMValue? {
        schemas.first { $0.id.scimEquals(id) }?.document(baseURL: baseURL)
    }
}
