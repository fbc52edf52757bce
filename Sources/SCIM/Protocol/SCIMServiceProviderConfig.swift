/// What this service provider supports (RFC 7643 §5), served at `/ServiceProviderConfig`.
public struct SCIMServiceProviderConfig: Sendable, Equatable {
    /// Where people can read about this SCIM service.
    public var documentationURI: String?
    /// The most resources one list response holds.
    public var maxResults = 200
    /// Whether `sortBy` is honoured.
    public var sortSupported = true
    /// Whether resources carry versions and `If-Match` is honoured.
    public var etagSupported = true

    /// The defaults: PATCH, filter (200 results), sort and ETags; no bulk, no password change.
    public init() {}

    /// The JSON document, with `meta.location` when a base URL is given.
    public func document(baseURL: String? = nil) -> SCIMValue {
        var object: SCIMObject = ["schemas": [.string(SCIMSchemaURN.serviceProviderConfig)]]
        if let documentationURI { object["documentationUri"] = .string(documentationURI) }
        object["patch"] = ["supported": true]
        object["bulk"] = ["supported": false, "maxOperations": 0, "maxPayloadSize": 0]
        object["filter"] = ["supported": true, "maxResults": .integer(maxResults)]
        object["changePassword"] = ["supported": false]
        object["sort"] = ["supported": .bool(sortSupported)]
        object["etag"] = ["supported": .bool(etagSupported)]
        object["authenticationSchemes"] = [
            [
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "Authentication with a bearer token (RFC 6750) issued by the Gatehouse administrator.",
                "specUri": "https://www.rfc-editor.org/info/rfc6750",
                "primary": true,
            ]
        ]
        var meta: SCIMObject = ["resourceType": "ServiceProviderConfig"]
        if let baseURL { meta["location"] = .string("\(baseURL)/ServiceProviderConfig") }
        object["meta"] = .object(meta)
        return .object(object)
    }
}
