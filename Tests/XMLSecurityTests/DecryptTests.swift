import Testing
import XMLSecurity

@Suite struct DecryptTests {
    static func encryptedAssertion(_ name: String) throws -> XMLElement {
        let document = try Fixture.document(name)
        return try #require(document.root.firstChild(named: "EncryptedAssertion", namespace: Fixture.samlAssertion))
    }

    @Test(arguments: [
        ("enc-aes128-gcm-oaep.xml", DecryptionOptions()),
        ("enc-aes256-gcm-oaep-sha256.xml", DecryptionOptions()),
        ("enc-aes256-gcm-oaep11-sha256.xml", DecryptionOptions()),
        ("enc-sibling-key.xml", DecryptionOptions()),
        ("enc-aes128-cbc.xml", DecryptionOptions(allowsCBC: true)),
        ("enc-aes256-cbc.xml", DecryptionOptions(allowsCBC: true)),
        ("enc-rsa15.xml", DecryptionOptions(allowsRSA15: true)),
    ])
    func xmlsec1EncryptedAssertionDecryptsAndItsSignatureVerifies(_ name: String, _ options: DecryptionOptions) throws {
        let container = try Self.encryptedAssertion(name)
        let assertion = try Decryptor.decrypt(
            container, keys: [Fixture.decryptionKey("sp2"), Fixture.decryptionKey("sp")], options: options)
        #expect(assertion.localName == "Assertion")
        #expect(assertion.attribute("ID") == "_assert1")
        let verified = try SignatureVerifier.verify(assertion, trustedKeys: Fixture.idpKeys())
        #expect(verified.element == assertion)
        let nameID = assertion.descendants(named: "NameID", namespace: Fixture.samlAssertion).first?.textContent
        #expect(nameID?.isEmpty == false)
    }

    @Test(arguments: ["enc-aes128-cbc.xml", "enc-aes256-cbc.xml", "enc-rsa15.xml"])
    func paddingOracleAlgorithmsAreOptIn(_ name: String) throws {
        let container = try Self.encryptedAssertion(name)
        let error = #expect(throws: XMLSecurityError.self) {
            try Decryptor.decrypt(container, keys: [Fixture.decryptionKey("sp")])
        }
        #expect(error?.code == .encryptionAlgorithmNotAllowed)
    }

    @Test func wrongKeyFailsCleanly() throws {
        let container = try Self.encryptedAssertion("enc-aes128-gcm-oaep.xml")
        let error = #expect(throws: XMLSecurityError.self) {
            try Decryptor.decrypt(container, keys: [Fixture.decryptionKey("sp2")])
        }
        #expect(error?.code == .decryptionFailed)
    }

    @Test func decryptionLeavesTheSharedDocumentUntouched() throws {
        let document = try Fixture.document("enc-aes128-gcm-oaep.xml")
        let before = document.serialized()
        let container = try #require(document.root.firstChild(named: "EncryptedAssertion", namespace: Fixture.samlAssertion))
        _ = try Decryptor.decrypt(container, keys: [Fixture.decryptionKey("sp")])
        #expect(document.serialized() == before)
    }
}
