import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import Gatehouse

/// Logins and provisioned users at the ACS: who links to whom (`scim.match`, tenants), and
/// which logins are refused (deactivated users; anyone unprovisioned under
/// `scim.provisioned_users_only`).
@Suite struct ProvisionedLoginTests {
    static let issuer = ProvisioningHarness.issuer

    @Test func deactivatedUserIsRefusedAtTheACSWithAPageSayingSo() async throws {
        try await ProvisioningHarness.run { scim in
            let judy = ProvisioningHarness.user("u-judy", userName: "judy@test.example", active: false)
            try await scim.insert(judy)
            let refused = try await scim.attemptLogin("judy@test.example")
            #expect(refused.status == .forbidden)
            #expect(GatewayHarness.cookie(scim.harness.config.cookie.name, in: refused) == nil)
            let page = String(buffer: refused.body)
            #expect(page.contains("Your account is deactivated"))
            #expect(page.contains("accountDeactivated"))
            #expect(try await scim.gateway.store.count() == 0)

            // Reactivated: the next login goes through.
            try await scim.replace(judy, with: ProvisioningHarness.next(judy) { $0.active = true })
            let session = try await scim.login("judy@test.example")
            #expect(try await scim.passes(session))
        }
    }

    /// Deactivated between the login's check and its session write: the SCIM write's
    /// revocation found no session yet, so the login must see the deactivation itself.
    @Test func deactivationCommittedDuringALoginEndsThatLogin() async throws {
        let store = InterleavingStore()
        let ursula = ProvisioningHarness.user("u-ursula", userName: "ursula@test.example")
        try await store.apply([.insert(ursula)])
        try await ProvisioningHarness.run(store: store) { scim in
            store.beforeNextCreate {
                try? await scim.replace(ursula, with: ProvisioningHarness.next(ursula) { $0.active = false })
            }
            let answer = try await scim.attemptLogin("ursula@test.example")
            #expect(answer.status == .forbidden)
            #expect(GatewayHarness.cookie(scim.harness.config.cookie.name, in: answer) == nil)
            #expect(String(buffer: answer.body).contains("accountDeactivated"))
            #expect(await store.count() == 0)
        }
    }

    @Test func provisionedUsersOnlyRefusesEveryoneWithoutAnActiveRecord() async throws {
        try await ProvisioningHarness.run(configure: { $0.scim.provisionedUsersOnly = true }) { scim in
            try await scim.insert(ProvisioningHarness.user("u-kim", userName: "kim@test.example"))
            let stranger = try await scim.attemptLogin("mallory@test.example")
            #expect(stranger.status == .forbidden)
            #expect(String(buffer: stranger.body).contains("accountNotProvisioned"))
            let session = try await scim.login("kim@test.example")
            #expect(try await scim.passes(session))
        }
        // Off (the default), the same stranger signs in.
        try await ProvisioningHarness.run { scim in
            try await scim.insert(ProvisioningHarness.user("u-kim", userName: "kim@test.example"))
            _ = try await scim.login("mallory@test.example")
        }
    }

    /// NameID against userName: email-shaped values ignore case, other values do not.
    @Test func nameIDMatchesUserNameIgnoringCaseOnlyForEmails() async throws {
        try await ProvisioningHarness.run { scim in
            let email = ProvisioningHarness.user("u-1", userName: "leo@test.example", active: false)
            let plain = ProvisioningHarness.user("u-2", userName: "leo", active: false)
            try await scim.insert(email, plain)
            #expect(try await scim.attemptLogin("LEO@Test.Example").status == .forbidden)
            #expect(try await scim.attemptLogin("leo").status == .forbidden)
            #expect(try await scim.attemptLogin("Leo").status == .seeOther)
        }
    }

    /// An attribute against the primary (else work) email.
    @Test func attributeMatchesThePrimaryEmail() async throws {
        try await ProvisioningHarness.run(configure: {
            $0.scim.match.saml = "email"; $0.scim.match.scim = .email
        }) { scim in
            let mia = ProvisioningHarness.user(
                "u-mia", userName: "mia", emails: [("Mia.Home@Example.org", "home", false), ("MIA@test.example", "work", true)])
            try await scim.insert(mia)
            let session = try await scim.login("anything", attributes: ["email": ["mia@TEST.example"]])
            // A non-primary address does not link.
            let home = try await scim.login("anything-else", attributes: ["email": ["mia.home@example.org"]])
            try await scim.replace(mia, with: ProvisioningHarness.next(mia) { $0.active = false })
            #expect(try await scim.passes(session) == false)
            #expect(try await scim.passes(home))
            #expect(try await scim.attemptLogin("x", attributes: ["email": ["mia@test.example"]]).status == .forbidden)
            // A login without the attribute links to nobody and is not refused.
            #expect(try await scim.attemptLogin("mia").status == .seeOther)
        }
    }

    @Test func nameIDMatchesExternalID() async throws {
        try await ProvisioningHarness.run(configure: { $0.scim.match.scim = .externalId }) { scim in
            let nina = ProvisioningHarness.user("u-nina", userName: "nina@test.example", externalID: "00u1ABC")
            try await scim.insert(nina)
            let session = try await scim.login("00u1ABC")
            let byName = try await scim.login("nina@test.example")
            try await scim.replace(nina, with: ProvisioningHarness.next(nina) { $0.active = false })
            #expect(try await scim.passes(session) == false)
            #expect(try await scim.passes(byName))
            #expect(try await scim.attemptLogin("00u1abc").status == .seeOther)
        }
    }

    /// An IdP with a token of its own is matched against its own users only: a user written
    /// with the global token (or another IdP's) neither blocks nor ends its logins.
    @Test func idpWithItsOwnTokenLinksOnlyToItsOwnUsers() async throws {
        try await ProvisioningHarness.run(configure: { config in
            var idp = IdentityProviderSettings(entityID: Self.issuer)
            idp.scimToken = SCIMSettings.Token(sha256: String(repeating: "a", count: 64))
            config.identityProviders = [idp]
        }) { scim in
            let global = ProvisioningHarness.user("u-g", userName: "olga@test.example", active: false)
            let foreign = ProvisioningHarness.user("u-f", userName: "olga@test.example", tenant: "https://other.idp/", active: false)
            try await scim.insert(global)
            try await scim.insert(foreign)
            let session = try await scim.login("olga@test.example")

            let own = ProvisioningHarness.user("u-o", userName: "olga@test.example", tenant: Self.issuer)
            try await scim.insert(own)
            try await scim.replace(own, with: ProvisioningHarness.next(own) { $0.active = false })
            #expect(try await scim.passes(session) == false)
            #expect(try await scim.attemptLogin("olga@test.example").status == .forbidden)
        }
    }

    /// An IdP without a token of its own is matched against the global token's users only.
    @Test func idpWithoutATokenLinksOnlyToGlobalUsers() async throws {
        try await ProvisioningHarness.run { scim in
            let foreign = ProvisioningHarness.user("u-f", userName: "pat@test.example", tenant: Self.issuer, active: false)
            try await scim.insert(foreign)
            let session = try await scim.login("pat@test.example")
            let global = ProvisioningHarness.user("u-g", userName: "pat@test.example")
            try await scim.insert(global)
            try await scim.delete(global)
            #expect(try await scim.passes(session) == false)
        }
    }

    @Test func matchValuesCompareEmailsIgnoringCase() {
        #expect(ProvisioningMatch.comparable("Alice@Example.COM") == "alice@example.com")
        #expect(ProvisioningMatch.comparable("Alice") == "Alice")
        #expect(ProvisioningMatch.comparable("@Alice") == "@Alice")
        #expect(ProvisioningMatch.comparable("Alice@") == "Alice@")
        #expect(ProvisioningMatch.comparable("CN=Al ice@x") == "CN=Al ice@x")
    }
}
