import Foundation

/// A new SCIM bearer token for an IdP's provisioning client: 256 random bits, base64url, and
/// the hex SHA-256 that the configuration holds instead of the token (`scim.tokens_sha256`,
/// `idps[].scim_token_sha256`).
public struct SCIMBearerToken: Sendable, Equatable {
    /// The token the IdP sends as `Authorization: Bearer <value>`: 43 base64url characters.
    public let value: String
    /// Lowercase hex SHA-256 of ``value``'s UTF-8, as configured.
    public let sha256: String

    /// A fresh random token.
    public init() {
        self.init(value: SessionID.generate())
    }

    /// The token `value` with its hash.
    public init(value: String) {
        self.value = value
        self.sha256 = SessionID.hash(value)
    }

    /// The configuration entry for this token, labelled `label` when given: the YAML flow
    /// mapping that goes in a `scim.tokens_sha256` list or after `idps[].scim_token_sha256:`.
    public func configEntry(label: String?) -> String {
        guard let label else { return sha256 }
        return "{ sha256: \(sha256), label: \(Self.yamlQuoted(label)) }"
    }

    /// What `gatehouse scim token` prints: the token, its hash and where to paste which.
    public func instructions(label: String?) -> String {
        """
        token: \(value)
        sha256: \(sha256)

        Give the IdP the token (HTTP header: Authorization: Bearer <token>); it is shown only now
        and Gatehouse keeps only its hash. Paste one of these into the configuration:

        scim:
          tokens_sha256:
            - \(configEntry(label: label))

        or, for a token that provisions the users of one IdP only, in that IdP's entry:

        idps:
          - entity_id: <the IdP's entity ID>
            scim_token_sha256: \(configEntry(label: label))

        """
    }

    /// `text` as a double-quoted YAML scalar (JSON string syntax is valid YAML).
    static func yamlQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
