import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Gatehouse

/// Provisioned records and committed writes for tests: each write goes through the gateway's
/// store and then through ``Gateway/provisioningApplied(_:tenant:live:)``, exactly as the SCIM
/// handlers commit one.
struct ProvisioningHarness {
    let harness: GatewayHarness
    var gateway: Gateway { harness.gateway }
    static let issuer = FakeLoginService.FakeResponse(nameID: "").issuer
    static let created = Date(timeIntervalSince1970: 1_780_000_000)

    /// A user record whose document carries `userName`, `externalId`, `emails` and `active`.
    static func user(
        _ id: String, userName: String, tenant: String = "", externalID: String? = nil,
        emails: [(value: String, type: String, primary: Bool)] = [], active: Bool = true, revision: Int = 1
    ) -> ProvisionedRecord {
        var document: [String: Any] = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": id, "userName": userName, "active": active,
        ]
        if let externalID { document["externalId"] = externalID }
        if !emails.isEmpty {
            document["emails"] = emails.map { ["value": $0.value, "type": $0.type, "primary": $0.primary] as [String: Any] }
        }
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data()
        return ProvisionedRecord(
            kind: .user, id: id, tenant: tenant, document: data, revision: revision, created: created, lastModified: created,
            name: userName, externalID: externalID, emails: emails.map { $0.value.lowercased() }, active: active)
    }

    /// A group record named `name` listing `members`.
    static func group(_ id: String, name: String, members: [String], tenant: String = "", revision: Int = 1) -> ProvisionedRecord {
        let document: [String: Any] = [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": id, "displayName": name,
            "members": members.map { ["value": $0] },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data()
        return ProvisionedRecord(
            kind: .group, id: id, tenant: tenant, document: data, revision: revision, created: created, lastModified: created,
            name: name, memberIDs: members)
    }

    /// `record` with the next revision and `change` applied.
    static func next(_ record: ProvisionedRecord, _ change: (inout ProvisionedRecord) -> Void) -> ProvisionedRecord {
        var copy = record
        change(&copy)
        copy.revision += 1
        return copy
    }

    var store: any ProvisioningStore { gateway.store }

    func insert(_ records: ProvisionedRecord...) async throws {
        try await commit(records.map { .insert($0) }, records.map { ProvisioningChange(before: nil, after: $0) })
    }

    func replace(_ before: ProvisionedRecord, with after: ProvisionedRecord) async throws {
        try await commit([.replace(after)], [ProvisioningChange(before: before, after: after)])
    }

    func delete(_ record: ProvisionedRecord) async throws {
        try await commit(
            [.delete(record.kind, id: record.id, tenant: record.tenant)], [ProvisioningChange(before: record, after: nil)])
    }

    func commit(_ writes: [ProvisioningWrite], _ changes: [ProvisioningChange]) async throws {
        try await store.apply(writes)
        let tenant = (changes.first?.after ?? changes.first?.before)?.tenant ?? ""
        try await gateway.provisioningApplied(changes, tenant: tenant, live: gateway.runtime.current)
    }

    /// A gateway with provisioning on (configured further by `configure`), an echo upstream
    /// and a WebSocket echo upstream under `/chat`.
    static func run(
        store: (any SessionStorage)? = nil,
        configure: @escaping @Sendable (inout GatehouseConfig) -> Void = { _ in },
        _ body: @escaping @Sendable (ProvisioningHarness) async throws -> Void
    ) async throws {
        try await WebSocketEchoUpstream.run { webSocketPort in
            try await GatewayHarness.run(
                store: store ?? MemorySessionStore(),
                configure: {
                    $0.upstreams.append(.init(url: "http://127.0.0.1:\(webSocketPort)", prefix: "/chat"))
                    $0.scim.enabled = true
                    configure(&$0)
                }
            ) { harness in try await body(ProvisioningHarness(harness: harness)) }
        }
    }

    /// The browser login as ``GatewayHarness/login(_:attributes:path:sessionIndex:)`` runs it,
    /// returning the ACS's answer whatever it is.
    func attemptLogin(_ nameID: String, attributes: [String: [String]] = [:], path: String = "/docs/a") async throws
        -> TestResponse
    {
        let client = harness.client
        let first = try await client.execute(uri: path, method: .get, headers: GatewayHarness.html)
        let start = try await client.execute(uri: try #require(first.headers[.location]), method: .get, headers: GatewayHarness.html)
        let idpURL = try #require(start.headers[.location].flatMap { URLComponents(string: $0) })
        let relayState = try #require(idpURL.queryItems?.first { $0.name == "RelayState" }?.value)
        let requestID = try #require(idpURL.queryItems?.first { $0.name == "req" }?.value)
        let binding = try #require(GatewayHarness.cookie(harness.config.cookie.pendingLoginName, in: start))
        let response = FakeLoginService.FakeResponse(nameID: nameID, inResponseTo: requestID, attributes: attributes)
        return try await harness.postACS(response.encoded(), relayState: relayState, binding: binding)
    }

    /// The session of a login that must succeed.
    func login(_ nameID: String, attributes: [String: [String]] = [:]) async throws -> String {
        try await harness.login(nameID, attributes: attributes, path: "/docs/a", sessionIndex: "idx-\(nameID)")
    }

    /// Whether `session` passes the proxy (`/docs/a`).
    func passes(_ session: String, path: String = "/docs/a") async throws -> Bool {
        let (echo, _) = try await harness.echo(path, session: session)
        return echo != nil
    }

    /// The value the upstream received in `header` for `session`'s request to `path`.
    func upstreamHeader(_ header: String, session: String, path: String = "/docs/a") async throws -> String? {
        let (echo, _) = try await harness.echo(path, session: session)
        return try #require(echo).headers.first { $0[0].lowercased() == header.lowercased() }?[1]
    }
}
