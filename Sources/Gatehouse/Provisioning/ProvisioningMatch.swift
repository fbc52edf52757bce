import Foundation
import SCIM

/// How a SAML login and a SCIM user are matched (`scim.match`), on both sides. Pure.
///
/// A login of IdP X is matched against one tenant only: X's own records when X has a
/// provisioning token of its own (`idps[].scim_token_sha256`), else the records written with a
/// global token (tenant ""). So a per-IdP token's users link only to that IdP's logins, and a
/// global token's users never link to the logins of an IdP that provisions for itself.
public struct ProvisioningMatch: Sendable, Equatable {
    /// The SAML side: `name_id`, or an attribute's Name (or FriendlyName).
    public var saml: String
    /// The SCIM side.
    public var scim: SCIMSettings.SCIMKey

    /// The rule `settings` configure.
    public init(_ settings: SCIMSettings.Match) {
        saml = settings.saml
        scim = settings.scim
    }

    /// The tenant whose records a login of `issuer` is matched against (see the type's notes).
    public static func tenant(of issuer: String, idps: [IdentityProviderSettings]) -> String {
        idps.contains { $0.entityID == issuer && $0.scimToken != nil } ? issuer : ""
    }

    /// `value` in the form both sides are compared in: email-shaped values (text, `@`, a
    /// domain) lowercased, anything else exactly as it is.
    public static func comparable(_ value: String) -> String {
        guard let at = value.lastIndex(of: "@"), at != value.startIndex, value.index(after: at) != value.endIndex,
            !value.contains(where: \.isWhitespace)
        else { return value }
        return value.lowercased()
    }

    /// The login's match value as asserted; nil when the configured attribute is absent (or
    /// empty). ``comparable(_:)`` gives the form it is compared in.
    public func loginValue(_ identity: SessionIdentity) -> String? {
        let value = saml == "name_id" ? identity.nameID : identity.values(forFirstOf: [saml]).first
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// The store lookup that finds the users a login value may match (the caller keeps those
    /// whose ``keys(of:)`` hold the value's compare form).
    func lookup(_ value: String) -> ProvisioningKey {
        switch scim {
        case .userName: .name(value)
        case .externalId: .externalID(value)
        case .email: .email(value)
        }
    }

    /// The match values of a user record in compare form: its `userName`, its `externalId`, or
    /// its primary (else work, else first) email, read from the stored document.
    public func keys(of record: ProvisionedRecord) -> [String] {
        let value: String?
        switch scim {
        case .userName: value = record.name
        case .externalId: value = record.externalID
        case .email:
            let resource = (try? SCIMValue.parse(json: record.document))?.objectValue
            value = resource.flatMap { SCIMUser($0).primaryEmail }
        }
        guard let value, !value.isEmpty else { return [] }
        return [Self.comparable(value)]
    }

    /// The match values of every record of `records` (before and after a change), without repeats.
    public func keys(of records: [ProvisionedRecord?]) -> [String] {
        var keys: [String] = []
        for record in records.compactMap({ $0 }) {
            for key in self.keys(of: record) where !keys.contains(key) { keys.append(key) }
        }
        return keys
    }
}
