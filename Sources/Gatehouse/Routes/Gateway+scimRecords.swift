import Foundation
import SCIM

extension SCIMResourceType {
    /// The store's kind for this resource type.
    var provisionedKind: ProvisionedKind { name == SCIMResourceType.group.name ? .group : .user }
}

extension Gateway {
    /// The resource a stored record holds, with `id`, `meta` (located under `baseURL`) and,
    /// for a group, each member's `$ref`.
    static func scimObject(_ record: ProvisionedRecord, type: SCIMResourceType, baseURL: String) throws -> SCIMObject {
        // The document is the gateway's own writing, so its size was bounded when it was written.
        var limits = SCIMJSONLimits()
        limits.maxBytes = .max
        guard var object = try SCIMValue.parse(json: record.document, limits: limits).objectValue else {
            throw ProvisioningStoreError.storage("the stored \(record.kind.rawValue) \(record.id) is not a JSON object")
        }
        if let members = object["members"]?.arrayValue {
            object["members"] = .array(
                members.map { member in
                    guard var entry = member.objectValue, let id = entry["value"]?.stringValue else { return member }
                    entry["$ref"] = .string(baseURL + "/Users/" + id)
                    return .object(entry)
                })
        }
        let meta = SCIMMeta(
            created: record.created, lastModified: record.lastModified, location: baseURL + type.endpoint + "/" + record.id,
            version: SCIMMeta.version(revision: record.revision))
        return type.stamped(object, id: record.id, meta: meta)
    }

    /// The record for `object` (a resource of `type` as the SCIM module checked it), with the
    /// keys the store finds it by taken from the resource. `id` and `meta` are not kept in
    /// the document: the record holds them. Nor is `password`: sign-in is SAML's, so a
    /// password an IdP sends (Okta sends one with every user) is dropped, never stored.
    static func scimRecord(
        _ object: SCIMObject, type: SCIMResourceType, id: String, tenant: String, revision: Int, created: Date, lastModified: Date
    ) throws(SCIMError) -> ProvisionedRecord {
        var document = SCIMObject()
        for member in object.members where !["id", "meta", "password"].contains(member.name.lowercased()) {
            document[member.name] = member.value
        }
        var record = ProvisionedRecord(
            kind: type.provisionedKind, id: id, tenant: tenant, document: Data(SCIMValue.object(document).jsonBytes),
            revision: revision, created: created, lastModified: lastModified, name: "")
        switch record.kind {
        case .user:
            let user = SCIMUser(object)
            guard let userName = user.userName, !userName.isEmpty else { throw SCIMError(.invalidValue, "\"userName\" is required") }
            record.name = userName
            record.externalID = user.externalId
            record.emails = user.emails.map { $0.lowercased() }
            record.active = user.active
        case .group:
            let group = SCIMGroup(object)
            guard let displayName = group.displayName, !displayName.isEmpty else {
                throw SCIMError(.invalidValue, "\"displayName\" is required")
            }
            record.name = displayName
            record.externalID = group.externalId
            record.memberIDs = group.memberIds
        }
        return record
    }

    /// A group's `members` checked and written the one way the gateway keeps them: each a user
    /// of `tenant` named by `value`, once, with `type` "User" and a `display` (the client's, or
    /// the user's display name or userName); the `$ref` is added when the group is read.
    ///
    /// - Throws: `invalidValue` for a member without a `value`, one that is not a user, or a
    ///   user that this tenant does not hold.
    func scimCheckedMembers(_ object: SCIMObject, tenant: String) async throws -> SCIMObject {
        guard let members = object["members"]?.arrayValue else { return object }
        var users: [String: ProvisionedRecord]?
        if members.count > 32 {
            // Many members: one listing instead of one read each.
            users = Dictionary(try await store.records(.user, tenant: tenant).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
        var seen: Set<String> = []
        var checked: [SCIMValue] = []
        for member in members {
            guard let entry = member.objectValue, let id = entry["value"]?.stringValue, !id.isEmpty else {
                throw SCIMError(.invalidValue, "every group member needs a \"value\": the id of a user")
            }
            if let type = entry["type"]?.stringValue, type.lowercased() != "user" {
                throw SCIMError(.invalidValue, "group members must be users; \(id.prefix(100)) is a \(type.prefix(40))")
            }
            guard seen.insert(id).inserted else { continue }
            let user: ProvisionedRecord?
            if let users { user = users[id] } else { user = try await store.record(.user, id: id, tenant: tenant) }
            guard let user else {
                throw SCIMError(.invalidValue, "member \(id.prefix(100)) is not a user provisioned by this token's identity provider")
            }
            var stored = SCIMObject()
            stored["value"] = .string(id)
            let display = entry["display"]?.stringValue ?? Self.displayName(of: user)
            if let display { stored["display"] = .string(display) }
            stored["type"] = "User"
            checked.append(.object(stored))
        }
        var result = object
        result["members"] = .array(checked)
        return result
    }

    private static func displayName(of user: ProvisionedRecord) -> String? {
        let object = try? SCIMValue.parse(json: user.document).objectValue
        return object?["displayName"]?.stringValue ?? user.name
    }
}
