import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import Gatehouse

/// What committed SCIM writes do at the door: deactivation, deletion and the loss of the last
/// group a rule needs end the user's sessions before ``Gateway/provisioningApplied(_:tenant:live:)``
/// returns, so the very next request is refused on every route; everyone else is untouched.
@Suite struct ProvisioningEffectsTests {
    typealias Route = SessionRevocationGatewayTests.Route

    enum Removal: String, CaseIterable, Sendable { case deactivate, delete }

    @Test(arguments: Removal.allCases)
    func removedUserIsRefusedOnEveryRouteAndOthersAreNot(_ removal: Removal) async throws {
        try await ProvisioningHarness.run { scim in
            let alice = ProvisioningHarness.user("u-alice", userName: "alice@test.example")
            let bob = ProvisioningHarness.user("u-bob", userName: "bob@test.example")
            try await scim.insert(alice, bob)
            let aliceSession = try await scim.login("alice@test.example")
            let bobSession = try await scim.login("bob@test.example")
            for route in Route.allCases {
                try await SessionRevocationGatewayTests.expectAccepted(aliceSession, on: route, scim.harness)
            }

            switch removal {
            case .deactivate: try await scim.replace(alice, with: ProvisioningHarness.next(alice) { $0.active = false })
            case .delete: try await scim.delete(alice)
            }

            for route in Route.allCases {
                try await SessionRevocationGatewayTests.expectRefused(aliceSession, on: route, scim.harness, "after \(removal)")
            }
            for route in Route.allCases {
                try await SessionRevocationGatewayTests.expectAccepted(bobSession, on: route, scim.harness)
            }
        }
    }

    /// A session that signed in before its user was provisioned is found by the match key.
    @Test func sessionFromBeforeProvisioningIsEndedByTheMatchKey() async throws {
        try await ProvisioningHarness.run { scim in
            let session = try await scim.login("Carol@Test.Example")
            let other = try await scim.login("dave@test.example")
            let carol = ProvisioningHarness.user("u-carol", userName: "carol@test.example")
            try await scim.insert(carol)
            #expect(try await scim.passes(session))
            try await scim.replace(carol, with: ProvisioningHarness.next(carol) { $0.active = false })
            #expect(try await scim.passes(session) == false)
            #expect(try await scim.passes(other))
        }
    }

    /// Provisioned already inactive: the earlier session ends at once.
    @Test func userCreatedInactiveEndsEarlierSessions() async throws {
        try await ProvisioningHarness.run { scim in
            let session = try await scim.login("erin@test.example")
            try await scim.insert(ProvisioningHarness.user("u-erin", userName: "erin@test.example", active: false))
            #expect(try await scim.passes(session) == false)
        }
    }

    /// Linked at login, the session stays the user's after a rename, and deactivation under
    /// the new name still ends it.
    @Test func renamedUserKeepsItsSessionsLinked() async throws {
        try await ProvisioningHarness.run { scim in
            let frank = ProvisioningHarness.user("u-frank", userName: "frank@test.example")
            try await scim.insert(frank)
            let session = try await scim.login("frank@test.example")
            let renamed = ProvisioningHarness.next(frank) { $0.name = "francis@test.example" }
            try await scim.replace(frank, with: renamed)
            #expect(try await scim.passes(session))
            try await scim.replace(renamed, with: ProvisioningHarness.next(renamed) { $0.active = false })
            #expect(try await scim.passes(session) == false)
        }
    }

    @Test(arguments: [SCIMSettings.GroupMode.merge, .replace])
    func losingTheLastGroupARuleNeedsEndsTheSession(_ mode: SCIMSettings.GroupMode) async throws {
        try await ProvisioningHarness.run(configure: { $0.scim.groups = mode }) { scim in
            let grace = ProvisioningHarness.user("u-grace", userName: "grace@test.example")
            let heidi = ProvisioningHarness.user("u-heidi", userName: "heidi@test.example")
            let admins = ProvisioningHarness.group("g-admins", name: "admins", members: ["u-grace", "u-heidi"])
            try await scim.insert(grace, heidi, admins)
            let graceSession = try await scim.login("grace@test.example")
            let heidiSession = try await scim.login("heidi@test.example")
            #expect(try await scim.passes(graceSession, path: "/admin/x"))

            try await scim.replace(admins, with: ProvisioningHarness.next(admins) { $0.memberIDs = ["u-heidi"] })
            #expect(try await scim.passes(graceSession) == false, "the session ended, not only /admin")
            #expect(try await scim.passes(heidiSession, path: "/admin/x"))
        }
    }

    /// With `scim.groups: ignore` SCIM groups reach no rule, so losing one ends nothing.
    @Test func losingAGroupUnderIgnoreEndsNothing() async throws {
        try await ProvisioningHarness.run(configure: { $0.scim.groups = .ignore }) { scim in
            let ivan = ProvisioningHarness.user("u-ivan", userName: "ivan@test.example")
            let admins = ProvisioningHarness.group("g-admins", name: "admins", members: ["u-ivan"])
            try await scim.insert(ivan, admins)
            let session = try await scim.login("ivan@test.example")
            try await scim.replace(admins, with: ProvisioningHarness.next(admins) { $0.memberIDs = [] })
            #expect(try await scim.passes(session))
        }
    }

    @Test func changesAreDecidedFromTheWriteAlone() {
        let group = ProvisioningHarness.group("g", name: "admins", members: ["a", "b"])
        let fewer = ProvisioningHarness.next(group) { $0.memberIDs = ["b", "c"] }
        #expect(Gateway.affectedMembers(ProvisioningChange(before: group, after: fewer)) == ["a", "c"])
        let renamed = ProvisioningHarness.next(group) { $0.name = "root" }
        #expect(Gateway.affectedMembers(ProvisioningChange(before: group, after: renamed)) == ["a", "b"])
        #expect(Gateway.affectedMembers(ProvisioningChange(before: nil, after: group)) == ["a", "b"])
        #expect(
            Gateway.previousGroups(of: "a", current: [], changes: [ProvisioningChange(before: group, after: fewer)]) == ["admins"])
        let rules = [AccessRule(prefix: "/admin", anyGroups: ["admins", "root"])]
        #expect(Gateway.losesRequiredGroup(rules, before: ["admins"], now: []))
        #expect(!Gateway.losesRequiredGroup(rules, before: ["admins"], now: ["root"]))
        #expect(!Gateway.losesRequiredGroup(rules, before: ["staff"], now: []))
    }
}
