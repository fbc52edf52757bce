import SAML
import Testing

@Suite struct SignatureWrappingTests {
    static let layouts = (1...8).flatMap { ["assertion-xsw\($0).xml", "response-xsw\($0).xml"] }

    @Test(arguments: layouts)
    func wrappedResponseIsRejectedOrYieldsOnlyTheSignedIdentity(_ name: String) async throws {
        do {
            let identity = try await Fixture.validate("xsw/" + name)
            #expect(identity.nameID == "ada@example.com")
            #expect(identity.assertionID == "_assert-5f2a9e70")
        } catch let error as SAMLValidationError {
            #expect(error.code == .multipleAssertions || error.code == .signatureInvalid, "\(error)")
        }
    }

    @Test(arguments: layouts)
    func wrappedResponseNeverYieldsTheEvilSubject(_ name: String) async throws {
        let text = try Fixture.text("saml/xsw/" + name)
        #expect(text.contains("admin@evil.example"))
        let identity = try? await Fixture.validate("xsw/" + name)
        #expect(identity?.nameID != "admin@evil.example")
    }
}
