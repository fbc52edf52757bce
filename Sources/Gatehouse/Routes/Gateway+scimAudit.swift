import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import SCIM

extension Gateway {
    /// Commits `writes` and makes them take effect: the batch is applied, every change gets
    /// its audit line, and the door acts on them (``provisioningApplied(_:tenant:live:)``)
    /// before the handler answers.
    func scimCommit(_ writes: [ProvisioningWrite], changes: [ProvisioningChange], operation: String, _ call: SCIMCall) async throws {
        try await store.apply(writes)
        for change in changes { scimAudit(change, call) }
        try await provisioningApplied(changes, tenant: call.caller.tenant, live: call.live)
    }

    /// The audit line of one committed change, at info level: who (token label and tenant),
    /// what (operation, resource type, id, name) and which attributes changed. Values are
    /// written only for `active` and the identifying names; other attributes are named, not
    /// shown, so the log does not become a copy of the directory.
    private func scimAudit(_ change: ProvisioningChange, _ call: SCIMCall) {
        guard let record = change.after ?? change.before else { return }
        let operation = change.before == nil ? "create" : change.after == nil ? "delete" : "update"
        call.context.logger.info(
            "SCIM provisioning change",
            metadata: [
                "scim.token": "\(call.caller.label)",
                "scim.tenant": "\(call.caller.tenant)",
                "scim.operation": "\(operation)",
                "scim.method": "\(call.request.method.rawValue)",
                "scim.resource": "\(record.kind.rawValue)",
                "scim.id": "\(record.id)",
                "scim.name": "\(record.name)",
                "scim.changes": "\(Self.scimChangeSummary(change))",
            ])
    }

    /// What a change did, such as `active: true→false; emails; members: +2 -1`.
    static func scimChangeSummary(_ change: ProvisioningChange) -> String {
        func object(_ record: ProvisionedRecord?) -> SCIMObject {
            var limits = SCIMJSONLimits()
            limits.maxBytes = .max
            return record.flatMap { try? SCIMValue.parse(json: $0.document, limits: limits).objectValue } ?? SCIMObject()
        }
        let before = object(change.before)
        let after = object(change.after)
        var names: [String] = []
        for name in after.names + before.names where !names.contains(where: { $0.lowercased() == name.lowercased() }) {
            names.append(name)
        }
        let shown: Set<String> = ["active", "username", "displayname", "externalid"]
        var parts: [String] = []
        for name in names where name.lowercased() != "schemas" {
            let old = before[name]
            let new = after[name]
            guard old != new else { continue }
            if name.lowercased() == "members" {
                let oldIDs = Set(change.before?.memberIDs ?? [])
                let newIDs = Set(change.after?.memberIDs ?? [])
                parts.append("members: +\(newIDs.subtracting(oldIDs).count) -\(oldIDs.subtracting(newIDs).count)")
            } else if shown.contains(name.lowercased()) {
                parts.append("\(name): \(scalar(old))→\(scalar(new))")
            } else {
                parts.append(name)
            }
        }
        return parts.joined(separator: "; ")
    }

    private static func scalar(_ value: SCIMValue?) -> String {
        switch value {
        case nil, .null?: "∅"
        case .bool(let flag)?: String(flag)
        case .integer(let number)?: String(number)
        case .string(let text)?: String(text.prefix(80))
        default: "…"
        }
    }
}
