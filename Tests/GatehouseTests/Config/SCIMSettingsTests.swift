import Foundation
import Gatehouse
import Testing

/// The `scim` config section and `idps[].scim_token_sha256`.
@Suite struct SCIMSettingsTests {
    static let hash = String(repeating: "ab", count: 32)

    @Test func offByDefault() throws {
        let config = try ConfigLoader.decode(yaml: "external_url: https://sso.example.com\nupstreams: [{url: \"http://127.0.0.1:3000\"}]\n")
        #expect(config.scim == SCIMSettings())
        #expect(config.scim.enabled == false)
        #expect(config.scim.match.saml == "name_id" && config.scim.match.scim == .userName)
        #expect(config.scim.groups == .ignore)
    }

    @Test func tokensAreReadAsBareHashesOrLabelledOnes() throws {
        let config = try ConfigLoader.decode(
            yaml: """
                external_url: https://sso.example.com
                upstreams: [{url: "http://127.0.0.1:3000"}]
                scim:
                  enabled: true
                  tokens_sha256:
                    - \(Self.hash.uppercased())
                    - {sha256: \(Self.hash), label: okta-production}
                  match: {saml: mail, scim: email}
                  groups: merge
                  provisioned_users_only: true
                idps:
                  - entity_id: https://idp.example
                    scim_token_sha256: {sha256: \(Self.hash), label: entra}
                """)
        #expect(config.scim.tokens == [.init(sha256: Self.hash, label: "abababab"), .init(sha256: Self.hash, label: "okta-production")])
        #expect(config.scim.match.saml == "mail" && config.scim.match.scim == .email)
        #expect(config.scim.groups == .merge && config.scim.provisionedUsersOnly)
        #expect(config.identityProviders.first?.scimToken == .init(sha256: Self.hash, label: "entra"))
        #expect(
            ConfigSchema.unknownFields(inYAML: "scim:\n  tokens_sha256:\n    - {sha256: x, lable: y}\n  match: {saml: a, scm: b}\n")
                .sorted()
                == ["scim.match.scm", "scim.tokens_sha256.0.lable"])
    }

    @Test func aTokenThatIsNotAHexDigestIsRefusedWithTheCommandThatMakesOne() throws {
        let error = #expect(throws: (any Error).self) {
            try ConfigLoader.decode(
                yaml:
                    "external_url: https://sso.example.com\nupstreams: [{url: \"http://127.0.0.1:3000\"}]\nscim:\n  tokens_sha256: [secret-token]\n"
            )
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("gatehouse scim token"))
    }
}
