import Foundation
import HTTPTypes
import Hummingbird
import SCIM

extension Gateway {
    /// `GET /Users/{id}`: the resource, projected as asked, with its `ETag`; 304 when
    /// `If-None-Match` names the current version.
    func scimRead(_ type: SCIMResourceType, _ call: SCIMCall) async throws -> Response {
        let record = try await scimStored(type, call)
        let version = SCIMMeta.version(revision: record.revision)
        if let tags = call.request.headers[.ifNoneMatch], SCIMMeta.ifMatch(tags, version: version) {
            return Self.scimResponse(.notModified, nil, headers: [.eTag: version])
        }
        let object = try Self.scimObject(record, type: type, baseURL: call.baseURL)
        return try scimResourceResponse(.ok, object, type: type, version: version, call: call)
    }

    /// `POST /Users`: creates the resource under a new id; 201 with `Location` and `ETag`.
    func scimCreate(_ type: SCIMResourceType, _ call: SCIMCall) async throws -> Response {
        var object = try type.resourceForCreate(try await scimBody(call))
        if type.provisionedKind == .group { object = try await scimCheckedMembers(object, tenant: call.caller.tenant) }
        let now = clock.now
        let record = try Self.scimRecord(
            object, type: type, id: UUID().uuidString.lowercased(), tenant: call.caller.tenant, revision: 1, created: now,
            lastModified: now)
        try await scimCommit([.insert(record)], changes: [ProvisioningChange(before: nil, after: record)], operation: "create", call)
        let stamped = try Self.scimObject(record, type: type, baseURL: call.baseURL)
        let location = call.baseURL + type.endpoint + "/" + record.id
        return try scimResourceResponse(
            .created, stamped, type: type, version: SCIMMeta.version(revision: record.revision), call: call,
            headers: [.location: location])
    }

    /// `PUT /Users/{id}`: replaces the resource (readOnly and immutable attributes kept).
    func scimReplace(_ type: SCIMResourceType, _ call: SCIMCall) async throws -> Response {
        let body = try await scimBody(call)
        let stored = try await scimStored(type, call)
        try scimCheckIfMatch(stored, call)
        let existing = try Self.scimObject(stored, type: type, baseURL: call.baseURL)
        var object = try type.resourceForReplace(body, replacing: existing)
        if type.provisionedKind == .group { object = try await scimCheckedMembers(object, tenant: call.caller.tenant) }
        return try await scimWrite(object, replacing: stored, type: type, operation: "replace", call)
    }

    /// `PATCH /Users/{id}`: applies the operations (all or none) and answers with the result.
    func scimPatch(_ type: SCIMResourceType, _ call: SCIMCall) async throws -> Response {
        let patch = try SCIMPatchRequest(parsing: try await scimBody(call))
        let stored = try await scimStored(type, call)
        try scimCheckIfMatch(stored, call)
        let existing = try Self.scimObject(stored, type: type, baseURL: call.baseURL)
        var object = try patch.apply(to: existing, of: type)
        if type.provisionedKind == .group { object = try await scimCheckedMembers(object, tenant: call.caller.tenant) }
        return try await scimWrite(object, replacing: stored, type: type, operation: "patch", call)
    }

    /// `DELETE /Users/{id}`: removes the resource; a user leaves every group in the same batch.
    func scimDelete(_ type: SCIMResourceType, _ call: SCIMCall) async throws -> Response {
        let stored = try await scimStored(type, call)
        try scimCheckIfMatch(stored, call)
        let tenant = call.caller.tenant
        var writes: [ProvisioningWrite] = []
        var changes: [ProvisioningChange] = []
        if stored.kind == .user {
            let now = clock.now
            for group in try await store.groups(withMember: stored.id, tenant: tenant) {
                var object = try Self.scimObject(group, type: .group, baseURL: call.baseURL)
                object["members"] = .array(
                    (object["members"]?.arrayValue ?? []).filter { $0.objectValue?["value"]?.stringValue != stored.id })
                let after = try Self.scimRecord(
                    object, type: .group, id: group.id, tenant: tenant, revision: group.revision + 1, created: group.created,
                    lastModified: now)
                writes.append(.replace(after))
                changes.append(ProvisioningChange(before: group, after: after))
            }
        }
        writes.append(.delete(stored.kind, id: stored.id, tenant: tenant))
        changes.append(ProvisioningChange(before: stored, after: nil))
        try await scimCommit(writes, changes: changes, operation: "delete", call)
        return Self.scimResponse(.noContent, nil)
    }

    /// Writes `object` over `stored` as its next revision and answers with the result; a
    /// write that changes nothing is not made and answers with the stored version.
    private func scimWrite(
        _ object: SCIMObject, replacing stored: ProvisionedRecord, type: SCIMResourceType, operation: String, _ call: SCIMCall
    ) async throws -> Response {
        var record = try Self.scimRecord(
            object, type: type, id: stored.id, tenant: stored.tenant, revision: stored.revision + 1, created: stored.created,
            lastModified: clock.now)
        if record.document == stored.document {
            record = stored
        } else {
            try await scimCommit(
                [.replace(record)], changes: [ProvisioningChange(before: stored, after: record)], operation: operation, call)
        }
        let result = try Self.scimObject(record, type: type, baseURL: call.baseURL)
        return try scimResourceResponse(.ok, result, type: type, version: SCIMMeta.version(revision: record.revision), call: call)
    }

    /// The stored record the path's `id` names in the caller's tenant.
    ///
    /// - Throws: `notFound` (404) when the tenant holds none, also when another tenant does.
    func scimStored(_ type: SCIMResourceType, _ call: SCIMCall) async throws -> ProvisionedRecord {
        let id = call.context.parameters.get("id") ?? ""
        guard let record = try await store.record(type.provisionedKind, id: id, tenant: call.caller.tenant) else {
            throw SCIMError(.notFound, "no \(type.name) with id \(id.prefix(200))")
        }
        return record
    }

    /// Refuses a write whose `If-Match` does not name the stored version (412).
    func scimCheckIfMatch(_ stored: ProvisionedRecord, _ call: SCIMCall) throws {
        guard let tags = call.request.headers[.ifMatch] else { return }
        guard SCIMMeta.ifMatch(tags, version: SCIMMeta.version(revision: stored.revision)) else {
            throw SCIMError(.preconditionFailed, "the \(stored.kind.rawValue) is at \(SCIMMeta.version(revision: stored.revision))")
        }
    }

    /// A resource answer: projected by the request's `attributes` or `excludedAttributes`,
    /// with its version as `ETag`.
    func scimResourceResponse(
        _ status: HTTPResponse.Status, _ object: SCIMObject, type: SCIMResourceType, version: String, call: SCIMCall,
        headers extra: HTTPFields = [:]
    ) throws -> Response {
        let selection = call.query.filter { ["attributes", "excludedattributes"].contains($0.name.lowercased()) }
        let search = try SCIMSearchRequest(query: selection)
        let projected = try type.project(object, attributes: search.attributes, excludedAttributes: search.excludedAttributes)
        var headers: HTTPFields = [.eTag: version]
        headers.append(contentsOf: extra)
        return Self.scimResponse(status, .object(projected), headers: headers)
    }
}
