import Crypto
import Foundation
import Gatehouse
import Testing

/// `gatehouse scim token`: a fresh 256-bit token, its SHA-256, and configuration entries that
/// load as exactly that hash.
@Suite struct SCIMBearerTokenTests {
    @Test func tokensAreRandom256BitBase64URLWithTheirSHA256() {
        let first = SCIMBearerToken()
        let second = SCIMBearerToken()
        #expect(first.value != second.value)
        #expect(first.value.utf8.count == 43)
        #expect(first.value.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        let digest = SHA256.hash(data: Array(first.value.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(first.sha256 == digest)
    }

    @Test(arguments: [nil, "okta-production", "a \"quoted\" label: with # and \\"])
    func configEntryLoadsAsTheHash(_ label: String?) throws {
        let token = SCIMBearerToken()
        let config = try ConfigLoader.decode(
            yaml: """
                external_url: https://sso.example.com
                upstreams: [{url: "http://127.0.0.1:3000"}]
                scim:
                  tokens_sha256:
                    - \(token.configEntry(label: label))
                idps:
                  - entity_id: https://idp.example
                    scim_token_sha256: \(token.configEntry(label: label))
                """)
        let expected = SCIMSettings.Token(sha256: token.sha256, label: label)
        #expect(config.scim.tokens == [expected])
        #expect(config.identityProviders.first?.scimToken == expected)
    }

    /// The built binary prints the token, its hash and the entry; `--label` must be text.
    @Test func commandPrintsTokenHashAndEntry() async throws {
        let run = try await SessionsCommandTests.gatehouse(["scim", "token", "--label", "entra"])
        #expect(run.status == 0, "\(run.errors)")
        let lines = run.output.split(separator: "\n").map(String.init)
        let token = try #require(lines.first { $0.hasPrefix("token: ") }).dropFirst("token: ".count)
        let hash = try #require(lines.first { $0.hasPrefix("sha256: ") }).dropFirst("sha256: ".count)
        #expect(SCIMBearerToken(value: String(token)).sha256 == hash)
        #expect(run.output.contains("- { sha256: \(hash), label: \"entra\" }"))
        #expect(run.output.contains("Bearer"))
        let empty = try await SessionsCommandTests.gatehouse(["scim", "token", "--label", ""])
        #expect(empty.status == 2)
    }
}
