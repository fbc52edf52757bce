/// Whose session an SP-initiated LogoutRequest ends: the NameID exactly as the IdP sent it at
/// login (Core §3.7.1 requires the same Format and qualifiers) and the session indexes.
public struct LogoutSubject: Sendable, Codable, Equatable {
    /// The NameID's whole text content.
    public var nameID: String
    /// NameID Format, if the IdP sent one.
    public var format: String?
    /// NameID NameQualifier, if the IdP sent one.
    public var nameQualifier: String?
    /// NameID SPNameQualifier, if the IdP sent one.
    public var spNameQualifier: String?
    /// The AuthnStatement SessionIndex values of the sessions to end.
    public var sessionIndexes: [String]

    /// Creates a subject.
    public init(
        nameID: String, format: String? = nil, nameQualifier: String? = nil, spNameQualifier: String? = nil,
        sessionIndexes: [String] = []
    ) {
        self.nameID = nameID
        self.format = format
        self.nameQualifier = nameQualifier
        self.spNameQualifier = spNameQualifier
        self.sessionIndexes = sessionIndexes
    }

    /// The subject of a validated login.
    public init(_ identity: Identity) {
        self.init(
            nameID: identity.nameID, format: identity.nameIDFormat, nameQualifier: identity.nameQualifier,
            spNameQualifier: identity.spNameQualifier, sessionIndexes: identity.sessionIndex.map { [$0] } ?? [])
    }
}
