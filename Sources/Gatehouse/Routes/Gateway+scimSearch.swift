import Hummingbird
import SCIM

extension Gateway {
    /// `GET /Users?filter=…`: the query parameters of RFC 7644 §3.4.2.
    func scimList(_ type: SCIMResourceType, _ call: SCIMCall) async throws -> Response {
        try await scimAnswer(try SCIMSearchRequest(query: call.query), types: [type], call)
    }

    /// `POST /Users/.search` and `POST /.search` (RFC 7644 §3.4.3).
    func scimSearch(_ types: [SCIMResourceType], _ call: SCIMCall) async throws -> Response {
        try await scimAnswer(try SCIMSearchRequest(parsing: try await scimBody(call)), types: types, call)
    }

    /// Runs `search` over the caller's resources of `types`, in the store's listing order
    /// (creation, then id) unless it sorts, so pages stay stable while resources are added.
    /// Over several types (the root `.search`) each type's matches follow the last type's,
    /// and a filter that names an attribute of only some types matches only those.
    private func scimAnswer(_ search: SCIMSearchRequest, types: [SCIMResourceType], _ call: SCIMCall) async throws -> Response {
        let maxResults = Self.scimServiceProviderConfig.maxResults
        if types.count == 1, let type = types.first {
            try Self.scimCheckFilter(search.filter, type: type)
            let objects = try await scimCandidates(type, filter: search.filter, call).map {
                try Self.scimObject($0, type: type, baseURL: call.baseURL)
            }
            return Self.scimResponse(.ok, try search.run(over: objects, of: type, maxResults: maxResults).document)
        }
        var whole = search
        whole.startIndex = nil
        whole.count = nil
        var matches: [SCIMValue] = []
        var refusal: (any Error)?
        var searched = false
        for type in types {
            do {
                try Self.scimCheckFilter(search.filter, type: type)
            } catch {
                refusal = error
                continue
            }
            searched = true
            let objects = try await scimCandidates(type, filter: search.filter, call).map {
                try Self.scimObject($0, type: type, baseURL: call.baseURL)
            }
            matches += try whole.run(over: objects, of: type, maxResults: .max).resources
        }
        if !searched, let refusal { throw refusal }
        let paging = SCIMPaging(startIndex: search.startIndex, count: search.count, maxResults: maxResults)
        let list = SCIMListResponse(totalResults: matches.count, startIndex: paging.startIndex, resources: Array(paging.slice(matches)))
        return Self.scimResponse(.ok, list.document)
    }

    /// The records `filter` can match: found by a store key when the filter (or the first
    /// term of an `and`) is an equality on `userName`, `displayName`, `externalId` or an email;
    /// otherwise every record of the type. The filter itself still decides.
    private func scimCandidates(_ type: SCIMResourceType, filter: SCIMFilter?, _ call: SCIMCall) async throws -> [ProvisionedRecord] {
        if let filter, let key = Self.scimLookupKey(filter, type: type) {
            return try await store.records(type.provisionedKind, tenant: call.caller.tenant, where: key)
        }
        return try await store.records(type.provisionedKind, tenant: call.caller.tenant)
    }

    /// The store key an equality filter names, if any.
    static func scimLookupKey(_ filter: SCIMFilter, type: SCIMResourceType) -> ProvisioningKey? {
        switch filter {
        case .and(let terms):
            return terms.lazy.compactMap { scimLookupKey($0, type: type) }.first
        case .compare(let path, .eq, .string(let value)):
            if let schema = path.schema, schema.lowercased() != type.schema.id.lowercased() { return nil }
            let name = path.name.lowercased()
            let sub = path.subAttribute?.lowercased()
            switch (type.provisionedKind, name, sub) {
            case (.user, "username", nil), (.group, "displayname", nil): return .name(value)
            case (_, "externalid", nil): return .externalID(value)
            case (.user, "emails", nil), (.user, "emails", "value"?): return .email(value)
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Refuses a filter the schemas of `type` cannot answer: one the SCIM module finds invalid,
    /// or one that names an attribute no schema of the type defines (which would otherwise
    /// match nothing, silently, and let a misspelt lookup look like a missing user).
    ///
    /// - Throws: `invalidFilter`.
    static func scimCheckFilter(_ filter: SCIMFilter?, type: SCIMResourceType) throws(SCIMError) {
        guard let filter else { return }
        try filter.validate(for: type)
        if let unknown = scimUnknownAttribute(in: filter, type: type, parent: nil) {
            throw SCIMError(.invalidFilter, "the filter names \"\(unknown.prefix(200))\", which no \(type.name) schema defines")
        }
    }

    private static func scimUnknownAttribute(in filter: SCIMFilter, type: SCIMResourceType, parent: SCIMAttribute?) -> String? {
        switch filter {
        case .and(let operands), .or(let operands):
            return operands.lazy.compactMap { scimUnknownAttribute(in: $0, type: type, parent: parent) }.first
        case .not(let operand):
            return scimUnknownAttribute(in: operand, type: type, parent: parent)
        case .present(let path), .compare(let path, _, _):
            return scimDefinition(path, type: type, parent: parent) == nil ? path.description : nil
        case .valuePath(let path, let inner):
            guard let definition = scimDefinition(path, type: type, parent: parent) else { return path.description }
            return scimUnknownAttribute(in: inner, type: type, parent: definition)
        }
    }

    private static func scimDefinition(_ path: SCIMAttributePath, type: SCIMResourceType, parent: SCIMAttribute?) -> SCIMAttribute? {
        if let parent { return parent.subAttribute(named: path.name) }
        let schema: SCIMSchema
        var core = true
        if let urn = path.schema, urn.lowercased() != type.schema.id.lowercased() {
            guard let found = type.extensionSchema(urn) else { return nil }
            schema = found
            core = false
        } else {
            schema = type.schema
        }
        var attribute = schema.attribute(named: path.name)
        if attribute == nil, core {
            attribute = SCIMSchema.commonAttributes.first { $0.name.lowercased() == path.name.lowercased() }
        }
        guard let attribute else { return nil }
        guard let sub = path.subAttribute else { return attribute }
        return attribute.subAttribute(named: sub)
    }
}
