import Foundation

/// Who a session belongs to: what the IdP asserted, kept server-side with the session.
///
/// The SAML layer maps its validated identity into this value at login.
public struct SessionIdentity: Sendable, Codable, Equatable {
    /// The NameID's full text content.
    public var nameID: String
    /// The NameID's Format URI, if any.
    public var nameIDFormat: String?
    /// The IdP's entity ID (the Issuer).
    public var issuer: String
    /// The AuthnStatement's SessionIndex, for single logout.
    public var sessionIndex: String?
    /// Attribute values keyed by attribute Name (and FriendlyName, when the IdP sent one).
    public var attributes: [String: [String]]

    /// An identity asserted by `issuer` for `nameID`.
    public init(
        nameID: String,
        nameIDFormat: String? = nil,
        issuer: String,
        sessionIndex: String? = nil,
        attributes: [String: [String]] = [:]
    ) {
        self.nameID = nameID
        self.nameIDFormat = nameIDFormat
        self.issuer = issuer
        self.sessionIndex = sessionIndex
        self.attributes = attributes
    }

    /// The values of the first attribute in `names` that is present, matching exactly first and
    /// then ignoring case; empty when none is.
    public func values(forFirstOf names: [String]) -> [String] {
        for name in names {
            if let values = attributes[name], !values.isEmpty { return values }
        }
        for name in names {
            let lowered = name.lowercased()
            if let match = attributes.first(where: { $0.key.lowercased() == lowered && !$0.value.isEmpty }) {
                return match.value
            }
        }
        return []
    }
}
