import SAML
import Testing

@Suite struct CommentInjectionTests {
    @Test func commentInNameIDNeverTruncatesIt() async throws {
        let identity = try await Fixture.validate("comment-in-nameid.xml")
        #expect(identity.nameID == "ada@example.com.evil.example")
    }

    @Test func commentInAttributeValueNeverTruncatesIt() async throws {
        let identity = try await Fixture.validate("comment-in-attribute.xml")
        #expect(identity.attributes["groups"] == ["staff-admins"])
    }
}
