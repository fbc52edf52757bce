import Foundation
import Gatehouse
import Testing

/// The SQLite store writes identities with ``SessionIdentity/storageJSON()`` and reads them
/// with `JSONDecoder`: every identity must come back exactly, whatever its strings hold.
@Suite struct SessionIdentityStorageTests {
    static let awkward = [
        "", "plain", "quote \" and backslash \\", "new\nline\ttab\r", "\u{0}\u{1}\u{1f}\u{7f}", "é ü 中文 🙂",
        "\u{2028}\u{2029}", "</script>", "{\"json\":[1,2]}", "\\u0041", "trailing space ",
    ]

    @Test func everyIdentityComesBackExactly() throws {
        var identities = [
            SessionIdentity(nameID: "alice@example.com", issuer: "https://idp.example/"),
            SessionIdentity(
                nameID: "bob", nameIDFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", issuer: "idp",
                sessionIndex: "_s1", attributes: ["groups": ["a", "b"], "empty": [], "email": ["bob@example.com"]]),
        ]
        for text in Self.awkward {
            identities.append(
                SessionIdentity(
                    nameID: text, nameIDFormat: text, nameQualifier: text, spNameQualifier: text, issuer: text, sessionIndex: text,
                    authnContextClassRef: text, attributes: [text: Self.awkward, "k" + text: [text]],
                    provisioning: ProvisioningLink(tenant: text, key: text, userID: text, groups: Self.awkward)))
        }
        identities.append(
            SessionIdentity(
                nameID: "carol", issuer: "idp", provisioning: ProvisioningLink(tenant: "", key: "carol@example.com")))
        for identity in identities {
            let decoded = try JSONDecoder().decode(SessionIdentity.self, from: identity.storageJSON())
            #expect(decoded == identity)
            // And it reads the same as what JSONEncoder wrote before (rows already stored).
            let old = try JSONDecoder().decode(SessionIdentity.self, from: JSONEncoder().encode(identity))
            #expect(decoded == old)
        }
    }

    /// JSON as Gatehouse stored it before NameID qualifiers were kept still decodes, without them.
    @Test func identityStoredWithoutQualifiersDecodes() throws {
        let stored = #"{"nameID":"alice","nameIDFormat":"urn:f","issuer":"idp","sessionIndex":"s1","attributes":{"g":["x"]}}"#
        let decoded = try JSONDecoder().decode(SessionIdentity.self, from: Data(stored.utf8))
        #expect(
            decoded == SessionIdentity(nameID: "alice", nameIDFormat: "urn:f", issuer: "idp", sessionIndex: "s1", attributes: ["g": ["x"]]))
        #expect(decoded.nameQualifier == nil && decoded.spNameQualifier == nil)
    }

    /// The memory store packs identities: the qualifiers come back too.
    @Test func memoryStoreKeepsTheQualifiers() async throws {
        let store = MemorySessionStore()
        let identity = SessionIdentity(
            nameID: "alice", nameIDFormat: "urn:f", nameQualifier: "https://idp.example/", spNameQualifier: "https://sp.example/",
            issuer: "idp", sessionIndex: "s1", authnContextClassRef: "urn:ac", attributes: ["g": ["x", "y"]])
        let id = await store.create(identity: identity)
        #expect(await store.get(id)?.identity == identity)
        #expect(await store.revoke(.sessionIndex("s1", issuer: "idp")) == 1)
    }
}
