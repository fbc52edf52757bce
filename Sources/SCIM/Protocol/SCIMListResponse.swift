/// A list response (RFC 7644 §3.4.2).
public struct SCIMListResponse: Sendable, Equatable {
    /// How many resources matched in all.
    public var totalResults: Int
    /// The 1-based index of the first resource on this page.
    public var startIndex: Int
    /// The resources on this page.
    public var resources: [SCIMValue]

    /// A list response; `itemsPerPage` is the number of `resources`.
    public init(totalResults: Int, startIndex: Int = 1, resources: [SCIMValue]) {
        self.totalResults = totalResults
        self.startIndex = startIndex
        self.resources = resources
    }

    /// The number of resources on this page.
    public var itemsPerPage: Int { resources.count }

    /// The JSON document. `Resources` is present even when empty: Okta's examples expect `[]`.
    public var document: SCIMValue {
        var object: SCIMObject = [
            "schemas": [.string(SCIMSchemaURN.listResponse)],
            "totalResults": .integer(totalResults),
            "startIndex": .integer(startIndex),
            "itemsPerPage": .integer(itemsPerPage),
        ]
        object["Resources"] = .array(resources)
        return .object(object)
    }
}
