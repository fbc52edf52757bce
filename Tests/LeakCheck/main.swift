// Runs every XMLSecurity operation many times so that valgrind (scripts/leak-check.sh) can
// show that no C allocation outlives its operation, on success and on every failure path.
import Foundation
import XMLSecurity

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: fixtures.appendingPathComponent(path))) }
func text(_ path: String) throws -> String { try String(contentsOf: fixtures.appendingPathComponent(path), encoding: .utf8) }

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 50 : 50
let assertionNS = "urn:oasis:names:tc:SAML:2.0:assertion"
let trusted = try ["idp-rsa", "idp-ec"].map { try TrustedKey(certificatePEM: text("keys/\($0).crt")) }
let signingKey = try SigningKey(privateKeyPEM: text("keys/idp-rsa.key"), certificatePEM: text("keys/idp-rsa.crt"))
let decryptionKeys = try ["sp2", "sp"].map { try DecryptionKey(privateKeyPEM: text("keys/\($0).key")) }
let verifyInputs = try [
    "valid-rsa-sha256.xml", "valid-ecdsa-sha256.xml", "digest-mismatch.xml", "signature-mismatch.xml",
    "untrusted-key.xml", "two-signatures.xml", "duplicate-id.xml", "forbidden-transform-xpath.xml",
].map { try bytes("xmlsec/\($0)") }
let hostile = try ["billion-laughs.xml", "doctype-xxe.xml", "not-well-formed.xml", "deep-nesting.xml"].map { try bytes("xmlsec/\($0)") }
let encrypted = try ["enc-aes128-gcm-oaep.xml", "enc-aes256-gcm-oaep-sha256.xml", "enc-rsa15.xml"].map { try bytes("xmlsec/\($0)") }
let request = Array(
    #"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">sp</saml:Issuer></samlp:AuthnRequest>"#
        .utf8)

var outcomes = [String: Int]()
for _ in 0..<rounds {
    for input in verifyInputs {
        let document = try XMLDocument(parsing: input)
        guard let assertion = document.root.firstChild(named: "Assertion", namespace: assertionNS) else { continue }
        do {
            _ = try SignatureVerifier.verify(assertion, trustedKeys: trusted)
            outcomes["verified", default: 0] += 1
        } catch {
            outcomes[error.code.rawValue, default: 0] += 1
        }
        _ = try? assertion.exclusiveCanonicalForm(inclusiveNamespaces: ["xs"])
    }
    for input in hostile {
        do { _ = try XMLDocument(parsing: input) } catch { outcomes[error.code.rawValue, default: 0] += 1 }
    }
    for (index, input) in encrypted.enumerated() {
        let document = try XMLDocument(parsing: input)
        guard let container = document.root.firstChild(named: "EncryptedAssertion", namespace: assertionNS) else { continue }
        do {
            _ = try Decryptor.decrypt(
                container, keys: decryptionKeys, options: DecryptionOptions(allowsRSA15: index == 2 && rounds % 2 == 0))
            outcomes["decrypted", default: 0] += 1
        } catch {
            outcomes[error.code.rawValue, default: 0] += 1
        }
    }
    let signed = try Signer.signEnveloped(request, key: signingKey)
    _ = try SignatureVerifier.verify(try XMLDocument(parsing: signed).root, trustedKeys: trusted)
    let raw = try Signer.signDetached(request, key: signingKey)
    _ = try SignatureVerifier.verifyDetached(request, signature: raw, algorithm: .rsaSHA256, trustedKeys: trusted)
    _ = try? SignatureVerifier.verifyDetached(request + [0], signature: raw, algorithm: .rsaSHA256, trustedKeys: trusted)
}
print(outcomes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
