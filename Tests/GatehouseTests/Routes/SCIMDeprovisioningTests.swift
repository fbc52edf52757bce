import Foundation
import Gatehouse
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SCIM
import Testing

/// Provisioning end to end over HTTP: the IdP's SCIM requests at `/scim/v2` take effect at the
/// door before their answer arrives, with the memory and the SQLite store.
@Suite struct SCIMDeprovisioningTests {
    typealias Route = SessionRevocationGatewayTests.Route
    enum Kind: String, CaseIterable, Sendable { case memory, sqlite }

    static let patchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"

    static func run(_ kind: Kind, _ body: @escaping @Sendable (SCIMTestClient) async throws -> Void) async throws {
        let store: any SessionStorage =
            switch kind {
            case .memory: MemorySessionStore()
            case .sqlite: CachedSessionStore(wrapping: try SQLiteSessionStore(path: TestPaths.scratchDirectory() + "/sessions.sqlite"))
            }
        try await WebSocketEchoUpstream.run { webSocketPort in
            try await GatewayHarness.run(
                store: store,
                configure: {
                    SCIMTestClient.configure(&$0)
                    $0.scim.groups = .merge
                    $0.upstreams.append(.init(url: "http://127.0.0.1:\(webSocketPort)", prefix: "/chat"))
                }
            ) { harness in try await body(SCIMTestClient(harness: harness)) }
        }
    }

    /// Okta's and Entra ID's ways of saying `active: false`.
    static let deactivations = [
        #"{"schemas":["\#(patchSchema)"],"Operations":[{"op":"replace","value":{"active":false}}]}"#,
        #"{"schemas":["\#(patchSchema)"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}"#,
    ]

    @Test(arguments: Kind.allCases, deactivations)
    func patchActiveFalseRefusesTheSessionBeforeItsAnswerArrives(_ kind: Kind, _ patch: String) async throws {
        try await Self.run(kind) { scim in
            let harness = scim.harness
            let alice = try await harness.login("alice@test.example", sessionIndex: "idx-alice")
            let bob = try await harness.login("bob@test.example", sessionIndex: "idx-bob")
            let aliceID = try await scim.createUser("alice@test.example")
            _ = try await scim.createUser("bob@test.example")
            for route in Route.allCases { try await SessionRevocationGatewayTests.expectAccepted(alice, on: route, harness) }

            let answer = try await scim.send(.patch, "/Users/\(aliceID)", patch)
            #expect(answer.status == .ok, "\(answer.body?.json ?? "")")
            #expect(answer["active"] == .bool(false))
            for route in Route.allCases {
                try await SessionRevocationGatewayTests.expectRefused(alice, on: route, harness, "after the PATCH")
            }
            try await SessionRevocationGatewayTests.expectAccepted(bob, on: .proxy, harness)
        }
    }

    @Test(arguments: Kind.allCases)
    func deleteAndGroupChangesOverSCIMActAtOnce(_ kind: Kind) async throws {
        try await Self.run(kind) { scim in
            let harness = scim.harness
            let carol = try await harness.login("carol@test.example", attributes: ["groups": ["staff"]], sessionIndex: "idx-carol")
            let dave = try await harness.login("dave@test.example", sessionIndex: "idx-dave")
            let carolID = try await scim.createUser("carol@test.example")
            let daveID = try await scim.createUser("dave@test.example")

            // Added to admins over SCIM: the next request has the group, without a new login.
            let group = try await scim.send(
                .post, "/Groups", #"{"schemas":["\#(Self.groupSchema)"],"displayName":"admins","members":[{"value":"\#(carolID)"}]}"#)
            #expect(group.status == .created)
            let (echo, _) = try await harness.echo("/admin/x", session: carol)
            #expect(echo?.headers.first { $0[0] == "X-Forwarded-Groups" }?[1] == "staff,admins")

            // Taken out of the only group /admin needs: the session ends.
            let removal = try await scim.send(
                .patch, "/Groups/\(group.id)",
                #"{"schemas":["\#(Self.patchSchema)"],"Operations":[{"op":"remove","path":"members[value eq \"\#(carolID)\"]"}]}"#)
            #expect(removal.status == .ok || removal.status == .noContent, "\(removal.body?.json ?? "")")
            try await SessionRevocationGatewayTests.expectRefused(carol, on: .proxy, harness, "after leaving admins")

            // Deleted: the session ends too.
            try await SessionRevocationGatewayTests.expectAccepted(dave, on: .forwardAuth, harness)
            #expect(try await scim.send(.delete, "/Users/\(daveID)").status == .noContent)
            for route in Route.allCases {
                try await SessionRevocationGatewayTests.expectRefused(dave, on: route, harness, "after DELETE")
            }
        }
    }
}
