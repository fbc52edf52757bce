/// A query (RFC 7644 §3.4.2 query parameters, or a §3.4.3 `.search` body).
public struct SCIMSearchRequest: Sendable, Equatable {
    /// The order of `sortBy`.
    public enum SortOrder: String, Sendable, CaseIterable {
        case ascending, descending
    }

    /// The filter, if any.
    public var filter: SCIMFilter?
    /// The 1-based index of the first result, as given.
    public var startIndex: Int?
    /// The page size, as given.
    public var count: Int?
    /// Attributes to return instead of the defaults.
    public var attributes: [String] = []
    /// Attributes to leave out of the defaults.
    public var excludedAttributes: [String] = []
    /// The attribute to sort by.
    public var sortBy: String?
    /// The sort order; ascending by default.
    public var sortOrder = SortOrder.ascending

    /// An empty query: everything, first page.
    public init() {}

    /// Reads URL query parameters (names in any case; values already percent-decoded).
    ///
    /// - Throws: `invalidFilter` for a bad filter, `invalidValue` for a bad number or sort order,
    ///   `invalidSyntax` when `attributes` and `excludedAttributes` are both given.
    public init(query: [(name: String, value: String)], limits: SCIMFilterLimits = .init()) throws(SCIMError) {
        var object = SCIMObject()
        for (name, value) in query {
            let key = name.lowercased()
            if ["startindex", "count"].contains(key) {
                guard let number = Int(value) else { throw SCIMError(.invalidValue, "\"\(name)\" must be an integer") }
                object[name] = .integer(number)
            } else if ["attributes", "excludedattributes"].contains(key) {
                object[name] = .array(value.split(separator: ",").map { .string(String($0)) })
            } else {
                object[name] = .string(value)
            }
        }
        try self.init(fields: object, limits: limits)
    }

    /// Reads a `POST .search` body.
    ///
    /// - Throws: as `init(query:)`, and `invalidSyntax` when the body is not a SearchRequest.
    public init(parsing body: SCIMValue, limits: SCIMFilterLimits = .init()) throws(SCIMError) {
        guard let object = body.objectValue else { throw SCIMError(.invalidSyntax, "a search request must be a JSON object") }
        let schemas = object["schemas"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard schemas.contains(where: { $0.scimEquals(SCIMSchemaURN.searchRequest) }) else {
            throw SCIMError(.invalidSyntax, "a search request must list the schema \(SCIMSchemaURN.searchRequest)")
        }
        try self.init(fields: object, limits: limits)
    }

    private init(fields: SCIMObject, limits: SCIMFilterLimits) throws(SCIMError) {
        func integer(_ name: String) throws(SCIMError) -> Int? {
            switch fields[name] {
            case nil, .null?: return nil
            case .integer(let value)?: return value
            default: throw SCIMError(.invalidValue, "\"\(name)\" must be an integer")
            }
        }
        func list(_ name: String) throws(SCIMError) -> [String] {
            switch fields[name] {
            case nil, .null?: return []
            case .array(let elements)?:
                var result: [String] = []
                for element in elements {
                    guard let text = element.stringValue else { throw SCIMError(.invalidValue, "\"\(name)\" must list strings") }
                    let trimmed = String(text.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
                    if !trimmed.isEmpty { result.append(trimmed) }
                }
                return result
            case .string(let text)?:
                return text.split(separator: ",").map { String($0).filter { $0 != " " } }.filter { !$0.isEmpty }
            default: throw SCIMError(.invalidValue, "\"\(name)\" must list attribute names")
            }
        }
        switch fields["filter"] {
        case nil, .null?: filter = nil
        case .string(let text)?: filter = try SCIMFilter(parsing: text, limits: limits)
        default: throw SCIMError(.invalidFilter, "\"filter\" must be a string")
        }
        startIndex = try integer("startIndex")
        count = try integer("count")
        attributes = try list("attributes")
        excludedAttributes = try list("excludedAttributes")
        guard attributes.isEmpty || excludedAttributes.isEmpty else {
            throw SCIMError(.invalidSyntax, "give either \"attributes\" or \"excludedAttributes\", not both")
        }
        switch fields["sortBy"] {
        case nil, .null?: sortBy = nil
        case .string(let text)?: sortBy = text
        default: throw SCIMError(.invalidValue, "\"sortBy\" must be an attribute name")
        }
        switch fields["sortOrder"] {
        case nil, .null?: sortOrder = .ascending
        case .string(let text)?:
            guard let order = SortOrder(rawValue: text.lowercased()) else {
                throw SCIMError(.invalidValue, "\"sortOrder\" must be ascending or descending")
            }
            sortOrder = order
        default: throw SCIMError(.invalidValue, "\"sortOrder\" must be ascending or descending")
        }
    }

    /// Runs the query over `resources` of `type` in memory: filter, sort, page, then project.
    ///
    /// A page never holds more than `maxResults` resources (RFC 7644 §3.4.2.4); `totalResults`
    /// still counts every match.
    ///
    /// - Throws: `invalidFilter`, or `invalidPath` for `sortBy`, `attributes` or `excludedAttributes`.
    public func run(over resources: [SCIMObject], of type: SCIMResourceType, maxResults: Int) throws(SCIMError) -> SCIMListResponse {
        var matched = resources
        if let filter {
            try filter.validate(for: type)
            matched = matched.filter { filter.evaluate($0, scope: .resource(type)) }
        }
        if let sortBy {
            matched = try type.sorted(matched, by: sortBy, order: sortOrder)
        }
        let paging = SCIMPaging(startIndex: startIndex, count: count, maxResults: maxResults)
        var page: [SCIMValue] = []
        for resource in paging.slice(matched) {
            page.append(.object(try type.project(resource, attributes: attributes, excludedAttributes: excludedAttributes)))
        }
        return SCIMListResponse(totalResults: matched.count, startIndex: paging.startIndex, resources: page)
    }
}
