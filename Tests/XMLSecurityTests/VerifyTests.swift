import Testing
import XMLSecurity

@Suite struct VerifyTests {
    static let validAssertionSigned = [
        "valid-rsa-sha256.xml", "valid-rsa-sha384.xml", "valid-rsa-sha512.xml",
        "valid-ecdsa-sha256.xml", "valid-ecdsa-sha384.xml", "valid-ecdsa-sha512.xml",
        "valid-rollover.xml", "valid-no-keyinfo.xml", "valid-inclusive-prefixes.xml",
        "both-signed.xml", "comment-in-nameid.xml",
    ]

    @Test(arguments: validAssertionSigned)
    func validSignatureByXmlsec1Verifies(_ name: String) throws {
        let document = try Fixture.document(name)
        let assertion = try #require(Fixture.assertion(in: document))
        let verified = try SignatureVerifier.verify(assertion, trustedKeys: Fixture.idpKeys())
        #expect(verified.element == assertion)
    }

    @Test func signedResponseVerifies() throws {
        for name in ["response-signed.xml", "both-signed.xml"] {
            let document = try Fixture.document(name)
            let verified = try SignatureVerifier.verify(document.root, trustedKeys: Fixture.idpKeys())
            #expect(verified.element == document.root)
        }
    }

    @Test func onlyTheMatchingKeyIsReported() throws {
        let document = try Fixture.document("valid-rollover.xml")
        let assertion = try #require(Fixture.assertion(in: document))
        let keys = try [Fixture.trustedKey("idp-rsa"), Fixture.trustedKey("idp-rsa2")]
        #expect(try SignatureVerifier.verify(assertion, trustedKeys: keys).trustedKeyIndex == 1)
        let error = #expect(throws: XMLSecurityError.self) {
            try SignatureVerifier.verify(assertion, trustedKeys: [keys[0]])
        }
        #expect(error?.code == .untrustedKey)
    }

    @Test func sha1NeedsExplicitOptIn() throws {
        let document = try Fixture.document("valid-rsa-sha1.xml")
        let assertion = try #require(Fixture.assertion(in: document))
        let error = #expect(throws: XMLSecurityError.self) {
            try SignatureVerifier.verify(assertion, trustedKeys: Fixture.idpKeys())
        }
        #expect(error?.code == .algorithmNotAllowed)
        #expect(throws: Never.self) {
            try SignatureVerifier.verify(assertion, trustedKeys: Fixture.idpKeys(), options: VerificationOptions(allowsSHA1: true))
        }
    }

    /// Each fixture differs from valid-rsa-sha256.xml by one flaw and must fail by its own rule.
    @Test(arguments: [
        ("no-signature.xml", XMLSecurityError.Code.signatureMissing),
        ("two-signatures.xml", .multipleSignatures),
        ("two-references.xml", .multipleReferences),
        ("reference-other-element.xml", .referenceMismatch),
        ("reference-empty-uri.xml", .referenceMismatch),
        ("duplicate-id.xml", .duplicateID),
        ("forbidden-transform-xpath.xml", .transformNotAllowed),
        ("forbidden-transform-inclusive-c14n.xml", .transformNotAllowed),
        ("forbidden-c14n-method.xml", .transformNotAllowed),
        ("digest-mismatch.xml", .digestMismatch),
        ("signature-mismatch.xml", .signatureMismatch),
        ("untrusted-key.xml", .untrustedKey),
        ("untrusted-key-trusted-cert.xml", .signatureMismatch),
        ("weak-algorithm-md5.xml", .algorithmNotAllowed),
        ("weak-digest-sha1.xml", .algorithmNotAllowed),
        ("object-wrapper.xml", .malformedSignature),
    ])
    func flawedSignatureFailsItsOwnRule(_ name: String, _ code: XMLSecurityError.Code) throws {
        let document = try Fixture.document(name)
        let assertion = try #require(Fixture.assertion(in: document))
        let error = #expect(throws: XMLSecurityError.self) {
            try SignatureVerifier.verify(assertion, trustedKeys: Fixture.idpKeys())
        }
        #expect(error?.code == code, "\(error?.description ?? "accepted")")
    }

    @Test func missingTrustedKeysIsAHardError() throws {
        let document = try Fixture.document("valid-rsa-sha256.xml")
        let assertion = try #require(Fixture.assertion(in: document))
        let error = #expect(throws: XMLSecurityError.self) { try SignatureVerifier.verify(assertion, trustedKeys: []) }
        #expect(error?.code == .noTrustedKeys)
    }

    @Test func keyInfoCertificateNeverBecomesTrusted() throws {
        // untrusted-key.xml carries the attacker's certificate; trusting only IdP keys must refuse it,
        // and trusting the attacker's key explicitly is the only way it could pass.
        let document = try Fixture.document("untrusted-key.xml")
        let assertion = try #require(Fixture.assertion(in: document))
        #expect(throws: XMLSecurityError.self) { try SignatureVerifier.verify(assertion, trustedKeys: Fixture.idpKeys()) }
        #expect(throws: Never.self) { try SignatureVerifier.verify(assertion, trustedKeys: [Fixture.trustedKey("attacker")]) }
    }

    @Test func wrappedAssertionNeverYieldsTheUnsignedElement() throws {
        let document = try Fixture.document("wrapped-assertion.xml")
        // Where an SP looks: the evil, unsigned assertion.
        let visible = try #require(Fixture.assertion(in: document))
        #expect(visible.attribute("ID") == "_evil")
        let error = #expect(throws: XMLSecurityError.self) {
            try SignatureVerifier.verify(visible, trustedKeys: Fixture.idpKeys())
        }
        #expect(error?.code == .signatureMissing)
        // The signed original still verifies, and what comes back is that original, not the evil one.
        let hidden = try #require(
            document.root.descendants(named: "Assertion", namespace: Fixture.samlAssertion).first { $0.attribute("ID") == "_assert1" })
        let verified = try SignatureVerifier.verify(hidden, trustedKeys: Fixture.idpKeys())
        #expect(verified.element == hidden)
        #expect(verified.element != visible)
    }

    @Test func wrappedAssertionWithTheSameIDIsRefused() throws {
        let document = try Fixture.document("wrapped-same-id.xml")
        let assertions = document.root.descendants(named: "Assertion", namespace: Fixture.samlAssertion)
        #expect(assertions.count == 2)
        for assertion in assertions {
            let error = #expect(throws: XMLSecurityError.self) {
                try SignatureVerifier.verify(assertion, trustedKeys: Fixture.idpKeys())
            }
            #expect(error?.code == .duplicateID || error?.code == .signatureMissing, "\(error?.description ?? "accepted")")
        }
    }

    @Test func retrievalMethodInKeyInfoIsNeverFollowed() throws {
        // The RetrievalMethod points at a closed local port; verification uses trusted keys only.
        let document = try Fixture.document("key-info-retrieval.xml")
        let assertion = try #require(Fixture.assertion(in: document))
        let verified = try SignatureVerifier.verify(assertion, trustedKeys: Fixture.idpKeys())
        #expect(verified.element == assertion)
    }

    @Test func thousandVerificationsFromEightTasksAllSucceed() async throws {
        let bytes = try Fixture.bytes("xmlsec/valid-rsa-sha256.xml")
        let shared = try XMLDocument(parsing: bytes)
        let keys = try Fixture.idpKeys()
        let successes = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var count = 0
                    for round in 0..<125 {
                        // Half parse their own copy, half share one document.
                        let document = (task + round) % 2 == 0 ? shared : try XMLDocument(parsing: bytes)
                        let assertion = try #require(Fixture.assertion(in: document))
                        if (try? SignatureVerifier.verify(assertion, trustedKeys: keys)) != nil { count += 1 }
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(successes == 1_000)
    }
}

@Suite struct DeferredKeyTests {
    @Test func deferredCertificateVerifiesLikeALoadedOne() throws {
        let document = try Fixture.document("valid-rsa-sha256.xml")
        let assertion = try #require(Fixture.assertion(in: document))
        let der = try #require(Fixture.trustedKey("idp-rsa").certificateDER)
        let deferred = TrustedKey(deferredCertificateDER: der)
        #expect(deferred.kind == .rsa)
        #expect(try SignatureVerifier.verify(assertion, trustedKeys: [deferred]).element == assertion)
    }

    @Test func unloadableDeferredCertificateFailsTheVerificationNotTheProcess() throws {
        let document = try Fixture.document("valid-rsa-sha256.xml")
        let assertion = try #require(Fixture.assertion(in: document))
        let broken = TrustedKey(deferredCertificateDER: [0x30, 0x03, 0x02, 0x01, 0x00])
        #expect(throws: XMLSecurityError.self) { try SignatureVerifier.verify(assertion, trustedKeys: [broken]) }
        // A good key beside it still verifies.
        let good = try Fixture.trustedKey("idp-rsa")
        #expect(try SignatureVerifier.verify(assertion, trustedKeys: [broken, good]).trustedKeyIndex == 1)
    }
}
