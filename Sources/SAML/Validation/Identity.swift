public import Foundation

/// Who signed in: what a validated assertion says, read only from the verified element.
/// Codable so the server can store it with the session.
public struct Identity: Sendable, Codable, Equatable {
    /// The IdP entity ID (the Assertion's Issuer).
    public var issuer: String
    /// The whole text content of NameID, whatever comments split it.
    public var nameID: String
    /// NameID's Format attribute, if any.
    public var nameIDFormat: String?
    /// NameID's NameQualifier, if any.
    public var nameQualifier: String?
    /// NameID's SPNameQualifier, if any.
    public var spNameQualifier: String?
    /// AuthnStatement SessionIndex (needed for single logout).
    public var sessionIndex: String?
    /// When the user authenticated at the IdP.
    public var authnInstant: Date?
    /// How the user authenticated (AuthnContextClassRef).
    public var authnContextClassRef: String?
    /// AuthnStatement SessionNotOnOrAfter: the IdP's upper bound for our session.
    public var sessionNotOnOrAfter: Date?
    /// Attribute values keyed by the attribute's Name, in document order.
    public var attributes: [String: [String]]
    /// FriendlyName of each attribute that has one, keyed by Name.
    public var friendlyNames: [String: String]
    /// The Assertion's ID (remembered by the replay cache).
    public var assertionID: String
    /// Until when the assertion could still be accepted (clock skew included): how long a
    /// replay cache must remember ``assertionID``. Set by the validator.
    public var replayExpiry: Date?

    /// Creates an identity; the validator is the normal source.
    public init(
        issuer: String, nameID: String, nameIDFormat: String? = nil, nameQualifier: String? = nil,
        spNameQualifier: String? = nil, sessionIndex: String? = nil, authnInstant: Date? = nil,
        authnContextClassRef: String? = nil, sessionNotOnOrAfter: Date? = nil,
        attributes: [String: [String]] = [:], friendlyNames: [String: String] = [:], assertionID: String
    ) {
        self.issuer = issuer
        self.nameID = nameID
        self.nameIDFormat = nameIDFormat
        self.nameQualifier = nameQualifier
        self.spNameQualifier = spNameQualifier
        self.sessionIndex = sessionIndex
        self.authnInstant = authnInstant
        self.authnContextClassRef = authnContextClassRef
        self.sessionNotOnOrAfter = sessionNotOnOrAfter
        self.attributes = attributes
        self.friendlyNames = friendlyNames
        self.assertionID = assertionID
    }

    /// Values of the attribute whose Name, or else FriendlyName, is `name`.
    public func values(_ name: String) -> [String] {
        if let values = attributes[name] { return values }
        guard let match = friendlyNames.first(where: { $0.value == name }) else { return [] }
        return attributes[match.key] ?? []
    }
}
