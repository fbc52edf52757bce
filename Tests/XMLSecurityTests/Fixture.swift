import Foundation
import XMLSecurity

/// Finds committed fixtures relative to this file (SwiftPM resources cannot reach `Fixtures/`).
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(path)))
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func document(_ name: String) throws -> XMLDocument {
        try XMLDocument(parsing: bytes("xmlsec/\(name)"))
    }

    static func trustedKey(_ name: String) throws -> TrustedKey {
        try TrustedKey(certificatePEM: text("keys/\(name).crt"))
    }

    static func signingKey(_ name: String) throws -> SigningKey {
        try SigningKey(privateKeyPEM: text("keys/\(name).key"), certificatePEM: text("keys/\(name).crt"))
    }

    static func decryptionKey(_ name: String) throws -> DecryptionKey {
        try DecryptionKey(privateKeyPEM: text("keys/\(name).key"))
    }

    static let samlProtocol = "urn:oasis:names:tc:SAML:2.0:protocol"
    static let samlAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"

    /// The first Assertion that is a direct child of the Response: where an SP would look.
    static func assertion(in document: XMLDocument) -> XMLElement? {
        document.root.firstChild(named: "Assertion", namespace: samlAssertion)
    }

    /// All IdP keys the tests trust.
    static func idpKeys() throws -> [TrustedKey] {
        try ["idp-rsa", "idp-rsa2", "idp-ec", "idp-ec384"].map(trustedKey)
    }
}
