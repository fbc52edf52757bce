/// The schema and message URNs of RFC 7643 and RFC 7644.
public enum SCIMSchemaURN {
    /// The core User schema.
    public static let user = "urn:ietf:params:scim:schemas:core:2.0:User"
    /// The core Group schema.
    public static let group = "urn:ietf:params:scim:schemas:core:2.0:Group"
    /// The enterprise User extension.
    public static let enterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    /// The ServiceProviderConfig schema.
    public static let serviceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
    /// The ResourceType schema.
    public static let resourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
    /// The Schema schema.
    public static let schema = "urn:ietf:params:scim:schemas:core:2.0:Schema"
    /// A list response.
    public static let listResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    /// A search request (`POST .search`).
    public static let searchRequest = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
    /// A PATCH request.
    public static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    /// An error response.
    public static let error = "urn:ietf:params:scim:api:messages:2.0:Error"
}
