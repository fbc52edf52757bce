import Foundation
import SAML
import Testing
import XMLSecurity

/// The HTTP-Redirect query signature (Bindings §3.4.4.1) on logout messages: it covers the
/// octets exactly as received, and any change after signing breaks it.
@Suite struct LogoutRedirectSignatureTests {
    typealias F = LogoutFixture

    static func code(_ query: String) async -> SAMLValidationError.Code? {
        do {
            _ = try await LogoutTests.validate(redirect: query)
            return nil
        } catch let error as SAMLValidationError {
            return error.code
        } catch {
            return nil
        }
    }

    /// Percent-encodes every byte outside the unreserved set with lower-case hex, as some IdPs do.
    static func lowercaseEncoded(_ text: String) -> String {
        text.utf8.map { byte in
            let unreserved =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || [0x2D, 0x2E, 0x5F, 0x7E].contains(byte)
            return unreserved ? String(UnicodeScalar(byte)) : "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    /// The raw value of parameter `name` in `query`.
    static func raw(_ name: String, in query: String) -> String? {
        query.split(separator: "&").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    @Test func signatureOverTheExactReceivedOctetsVerifies() async throws {
        // An IdP that escapes in lower case and orders the parameters its own way: the signed
        // octets are its own, which re-encoding on our side would break.
        let unsigned = try F.redirect(F.idpRequest().xml, key: nil, relayState: nil)
        let message = try #require(Self.raw("SAMLRequest", in: unsigned)?.removingPercentEncoding)
        let samlRequest = Self.lowercaseEncoded(message)
        let relayState = Self.lowercaseEncoded("/app?x=1&y=ü")
        let sigAlg = Self.lowercaseEncoded(SignatureAlgorithm.rsaSHA256.rawValue)
        let signed = "SAMLRequest=\(samlRequest)&RelayState=\(relayState)&SigAlg=\(sigAlg)"
        #expect(signed.contains("%2f") || signed.contains("%2b"))
        let signature = try Signer.signDetached(Array(signed.utf8), key: try Fixture.signingKey("idp-rsa"))
        let encodedSignature = Self.lowercaseEncoded(Data(signature).base64EncodedString())
        let query = "Signature=\(encodedSignature)&SigAlg=\(sigAlg)&RelayState=\(relayState)&SAMLRequest=\(samlRequest)"
        let validated = try await LogoutTests.validate(redirect: query)
        #expect(validated.request == F.idpRequest())
        #expect(validated.relayState == "/app?x=1&y=ü")
    }

    @Test func changingTheQueryAfterSigningBreaksTheSignature() async throws {
        let query = try F.redirect(F.idpRequest().xml, relayState: "rs-1")
        let message = try #require(Self.raw("SAMLRequest", in: query))
        var evil = F.idpRequest()
        evil.nameID = "admin@evil.example"
        let evilMessage = try #require(Self.raw("SAMLRequest", in: try F.redirect(evil.xml, key: nil)))
        let tampered = [
            "RelayState changed": query.replacingOccurrences(of: "RelayState=rs-1", with: "RelayState=rs-2"),
            "RelayState removed": query.replacingOccurrences(of: "&RelayState=rs-1", with: ""),
            "message swapped": query.replacingOccurrences(of: message, with: evilMessage),
            "message re-encoded": query.replacingOccurrences(of: message, with: Self.lowercaseEncoded(message.removingPercentEncoding!)),
            "SigAlg raised": query.replacingOccurrences(
                of: URLEncoded.rsaSHA256, with: URLEncoded.rsaSHA512),
        ]
        for (flaw, tamperedQuery) in tampered {
            #expect(tamperedQuery != query, "\(flaw)")
            #expect(await Self.code(tamperedQuery) == .signatureInvalid, "\(flaw)")
        }
        // A RelayState added to a message signed without one.
        let bare = try F.redirect(F.idpRequest().xml, relayState: nil)
        let added = bare.replacingOccurrences(of: "&SigAlg=", with: "&RelayState=evil&SigAlg=")
        #expect(await Self.code(added) == .signatureInvalid)
    }

    @Test func sha1SignatureIsADowngradeAndRefused() async throws {
        let query = try F.redirect(F.idpRequest().xml, algorithm: .rsaSHA1)
        #expect(await Self.code(query) == .weakAlgorithm)
    }

    @Test func unsupportedSignatureAlgorithmIsRefused() async throws {
        let query = try F.redirect(F.idpRequest().xml)
        for uri in ["http://www.w3.org/2000/09/xmldsig#dsa-sha1", "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", "none"] {
            let swapped = query.replacingOccurrences(of: URLEncoded.rsaSHA256, with: Self.lowercaseEncoded(uri))
            #expect(await Self.code(swapped) == .weakAlgorithm, "\(uri)")
        }
    }

    @Test func signatureOrSigAlgAloneIsNoSignature() async throws {
        let query = try F.redirect(F.idpRequest().xml)
        let sigAlg = "&SigAlg=" + URLEncoded.rsaSHA256
        let withoutSigAlg = query.replacingOccurrences(of: sigAlg, with: "")
        #expect(await Self.code(withoutSigAlg) == .signatureMissing)
        let signatureStart = try #require(query.range(of: "&Signature="))
        #expect(await Self.code(String(query[..<signatureStart.lowerBound])) == .signatureMissing)
    }

    /// Upper-case encodings of algorithm URIs, as ``HTTPRedirectBinding`` writes them.
    enum URLEncoded {
        static let rsaSHA256 = "http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256"
        static let rsaSHA512 = "http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha512"
    }
}
