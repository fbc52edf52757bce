import Foundation
import Gatehouse
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The `idps` config list: the admin's chooser names and email domains over the metadata's.
@Suite struct IdentityProviderSettingsTests {
    static let alpha = IdentityProviderSummary(
        entityID: "https://a.example/idp", displayName: "Alpha Corp", emailDomains: ["alpha.example"])
    static let beta = IdentityProviderSummary(entityID: "https://b.example/idp", displayName: "Beta Inc")

    @Test func yamlListIsRead() throws {
        let config = try ConfigLoader.decode(
            yaml: """
                external_url: https://sso.example.com
                upstreams: [{url: "http://127.0.0.1:3000"}]
                idps:
                  - entity_id: https://b.example/idp
                    display_name: Beta staff
                    email_domains: [beta.example, beta.co.uk]
                  - entity_id: https://a.example/idp
                """)
        #expect(
            config.identityProviders == [
                IdentityProviderSettings(
                    entityID: "https://b.example/idp", displayName: "Beta staff", emailDomains: ["beta.example", "beta.co.uk"]),
                IdentityProviderSettings(entityID: "https://a.example/idp"),
            ])
        #expect(ConfigSchema.unknownFields(inYAML: "idps:\n  - entity_id: x\n    email_domain: [a.b]\n") == ["idps.0.email_domain"])
    }

    @Test func settingsReplaceNameAndDomainsAndTheChooserIsSortedAgain() {
        let settings = [
            IdentityProviderSettings(entityID: Self.beta.entityID, displayName: "Aardvark Beta", emailDomains: ["beta.example"]),
            IdentityProviderSettings(entityID: Self.alpha.entityID, emailDomains: []),
        ]
        let applied = IdentityProviderSettings.apply(settings, to: [Self.alpha, Self.beta])
        #expect(applied.map(\.displayName) == ["Aardvark Beta", "Alpha Corp"])
        #expect(applied.map(\.emailDomains) == [["beta.example"], []])
        #expect(IdentityProviderSettings.apply([], to: [Self.alpha, Self.beta]) == [Self.alpha, Self.beta])
    }

    @Test func checkRefusesDuplicatesMalformedDomainsAndSharedDomains() {
        var config = GatehouseConfig(externalURL: "https://sso.example.com", upstreams: [.init(url: "http://127.0.0.1:3000")])
        config.identityProviders = [
            IdentityProviderSettings(entityID: "https://a.example/idp", emailDomains: ["alpha.example", "user@alpha.example"]),
            IdentityProviderSettings(entityID: "https://a.example/idp"),
            IdentityProviderSettings(entityID: "https://b.example/idp", displayName: " ", emailDomains: ["Alpha.example"]),
        ]
        let messages = ConfigCheck().problems(in: config).filter { $0.message.hasPrefix("idps:") }.map(\.message)
        #expect(messages.contains { $0.contains("https://a.example/idp is listed twice") })
        #expect(messages.contains { $0.contains("'user@alpha.example'") })
        #expect(messages.contains { $0.contains("alpha.example is claimed by both https://a.example/idp and https://b.example/idp") })
        #expect(messages.contains { $0.contains("empty display_name") })
        #expect(messages.count == 4)
        config.identityProviders = [IdentityProviderSettings(entityID: "https://a.example/idp", emailDomains: ["alpha.example"])]
        #expect(ConfigCheck().problems(in: config).filter { $0.message.hasPrefix("idps:") }.isEmpty)
    }

    @Test func gatewayChooserAndLoginHintFollowTheSettings() async throws {
        var service = FakeLoginService()
        service.idps = [Self.alpha, Self.beta]
        try await GatewayHarness.run(
            loginService: service,
            configure: {
                $0.identityProviders = [
                    IdentityProviderSettings(entityID: Self.beta.entityID, displayName: "Beta staff", emailDomains: ["beta.example"]),
                    IdentityProviderSettings(entityID: Self.alpha.entityID, emailDomains: ["alpha.org"]),
                ]
            }
        ) { harness in
            let page = String(buffer: try await harness.client.execute(uri: "/saml/login?rd=/x", method: .get).body)
            #expect(page.contains("Beta staff") && !page.contains("Beta Inc"))
            let hinted = try await harness.client.execute(uri: "/saml/login?login_hint=carol@beta.example", method: .get)
            #expect(hinted.status == .found)
            #expect(hinted.headers[.location]?.hasSuffix("&idp=\(Self.beta.entityID)") == true)
            let configured = try await harness.client.execute(uri: "/saml/login?login_hint=bob@alpha.org", method: .get)
            #expect(configured.headers[.location]?.hasSuffix("&idp=\(Self.alpha.entityID)") == true)
            // The metadata's domain was replaced, so it no longer picks Alpha: the chooser shows.
            let replaced = try await harness.client.execute(uri: "/saml/login?login_hint=bob@alpha.example", method: .get)
            #expect(replaced.status == .ok)
        }
    }
}
