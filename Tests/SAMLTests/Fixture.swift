import Foundation
import SAML
import XMLSecurity

/// Test fixtures under `Fixtures/`, found relative to this file (SwiftPM resources cannot
/// reach outside a target).
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The fixed instant every fixture was made for (Fixtures/README.md).
    static let instant = SAMLInstant.parse("2026-06-01T12:00:00Z")!
    static let spEntityID = "https://sp.example.com/saml/metadata"
    static let acsURL = "https://sp.example.com/saml/acs"
    static let idpEntityID = "https://idp.example.com/metadata"
    static let requestID = "_req-3c8d41a2"

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try bytes(path), as: UTF8.self)
    }

    /// A SAML fixture as the browser would post it: base64.
    static func posted(_ name: String) throws -> String {
        Data(try bytes("saml/" + name)).base64EncodedString()
    }

    static func key(_ name: String) throws -> String { try text("keys/" + name) }

    static func trustedKey(_ name: String) throws -> TrustedKey {
        try TrustedKey(certificatePEM: try key(name + ".crt"))
    }

    static func signingKey(_ name: String) throws -> SigningKey {
        try SigningKey(privateKeyPEM: try key(name + ".key"), certificatePEM: try key(name + ".crt"))
    }

    /// The IdPs of the aggregate metadata (main IdP and the six interop shapes).
    static func identityProviders() throws -> [IdentityProvider] {
        try SAMLMetadata(parsing: try bytes("saml/metadata/aggregate.xml")).identityProviders()
    }

    static func policy() throws -> ValidationPolicy {
        var policy = ValidationPolicy(audience: spEntityID, assertionConsumerServiceURL: acsURL)
        policy.decryptionKeys = [try DecryptionKey(privateKeyPEM: try key("sp.key"))]
        return policy
    }

    static func validator(_ policy: ValidationPolicy? = nil, cache: any ReplayCache = InMemoryReplayCache()) throws -> ResponseValidator {
        ResponseValidator(policy: try policy ?? self.policy(), replayCache: cache)
    }

    /// Validates a fixture at the fixed instant against the aggregate metadata.
    static func validate(
        _ name: String, validator: ResponseValidator? = nil, expectedRequestID: String? = requestID
    ) async throws -> Identity {
        let validator = try validator ?? self.validator()
        return try await validator.validate(
            posted: try posted(name), identityProviders: try identityProviders(),
            expectedRequestID: expectedRequestID, now: instant)
    }
}

extension Fixture {
    static func base64(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text.filter { !$0.isWhitespace }).map { [UInt8]($0) }
    }
}
