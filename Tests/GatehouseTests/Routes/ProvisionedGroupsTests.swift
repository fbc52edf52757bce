import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import Gatehouse

/// `scim.groups`: SCIM group names in access rules and the groups header, and a group change
/// reaching a live session on its next request, without a new login.
@Suite struct ProvisionedGroupsTests {
    static let asserted = ["groups": ["staff"]]

    @Test func mergeAddsSCIMGroupsToTheAssertedOnes() async throws {
        try await ProvisioningHarness.run(configure: { $0.scim.groups = .merge }) { scim in
            let (session, ops) = try await Self.signIn(scim)
            #expect(try await scim.upstreamHeader("X-Forwarded-Groups", session: session) == "staff,ops")
            #expect(try await scim.passes(session, path: "/admin/x") == false)

            // Added to admins: the next request has it, in the header and for the rule.
            try await scim.replace(ops, with: ProvisioningHarness.next(ops) { $0.name = "admins" })
            #expect(try await scim.upstreamHeader("X-Forwarded-Groups", session: session) == "staff,admins")
            #expect(try await scim.passes(session, path: "/admin/x"))
            let auth = try await scim.harness.client.execute(
                uri: "/saml/auth", method: .get,
                headers: [.cookie: "\(scim.harness.config.cookie.name)=\(session)", HTTPField.Name("X-Original-URI")!: "/admin/x"])
            #expect(auth.status == .ok)
            #expect(auth.headers[HTTPField.Name("X-Forwarded-Groups")!] == "staff,admins")
        }
    }

    @Test func replaceShowsOnlySCIMGroups() async throws {
        try await ProvisioningHarness.run(configure: { $0.scim.groups = .replace }) { scim in
            let (session, ops) = try await Self.signIn(scim)
            #expect(try await scim.upstreamHeader("X-Forwarded-Groups", session: session) == "ops")
            let more = ProvisioningHarness.group("g-admins", name: "admins", members: ["u-quinn"])
            try await scim.insert(more)
            #expect(try await scim.upstreamHeader("X-Forwarded-Groups", session: session) == "admins,ops")
            #expect(try await scim.passes(session, path: "/admin/x"))
            _ = ops
        }
    }

    @Test func ignoreLeavesTheAssertedGroups() async throws {
        try await ProvisioningHarness.run(configure: { $0.scim.groups = .ignore }) { scim in
            let (session, ops) = try await Self.signIn(scim)
            try await scim.replace(ops, with: ProvisioningHarness.next(ops) { $0.name = "admins" })
            #expect(try await scim.upstreamHeader("X-Forwarded-Groups", session: session) == "staff")
            #expect(try await scim.passes(session, path: "/admin/x") == false)
        }
    }

    /// A user provisioned (with groups) after signing in gets them on the next request.
    @Test func sessionFromBeforeProvisioningGetsItsGroups() async throws {
        try await ProvisioningHarness.run(configure: { $0.scim.groups = .merge }) { scim in
            let session = try await scim.login("rita@test.example", attributes: Self.asserted)
            #expect(try await scim.upstreamHeader("X-Forwarded-Groups", session: session) == "staff")
            try await scim.insert(
                ProvisioningHarness.user("u-rita", userName: "rita@test.example"),
                ProvisioningHarness.group("g-admins", name: "admins", members: ["u-rita"]))
            #expect(try await scim.upstreamHeader("X-Forwarded-Groups", session: session) == "staff,admins")
            #expect(try await scim.passes(session, path: "/admin/x"))
        }
    }

    /// A group change committed between a login's check and its session write reaches the
    /// session all the same.
    @Test func groupChangeCommittedDuringALoginReachesThatSession() async throws {
        let store = InterleavingStore()
        let sam = ProvisioningHarness.user("u-sam", userName: "sam@test.example")
        try await store.apply([.insert(sam)])
        try await ProvisioningHarness.run(store: store, configure: { $0.scim.groups = .replace }) { scim in
            store.beforeNextCreate {
                try? await scim.insert(ProvisioningHarness.group("g-admins", name: "admins", members: ["u-sam"]))
            }
            let session = try await scim.login("sam@test.example")
            #expect(try await scim.upstreamHeader("X-Forwarded-Groups", session: session) == "admins")
        }
    }

    /// Quinn, provisioned in group `ops`, signed in asserting `staff`.
    static func signIn(_ scim: ProvisioningHarness) async throws -> (session: String, ops: ProvisionedRecord) {
        let ops = ProvisioningHarness.group("g-ops", name: "ops", members: ["u-quinn"])
        try await scim.insert(ProvisioningHarness.user("u-quinn", userName: "quinn@test.example"), ops)
        let session = try await scim.login("quinn@test.example", attributes: asserted)
        return (session, ops)
    }
}
