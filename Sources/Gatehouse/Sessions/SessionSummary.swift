public import Foundation

/// One live session as an admin sees it: who and when, never anything that would let a
/// reader use the session (the ID itself is not stored, only its hash).
public struct SessionSummary: Sendable, Equatable {
    /// The hex SHA-256 of the session ID; ``SessionSelector/idHash(_:)`` revokes by it.
    public var idHash: String
    /// The IdP's entity ID.
    public var issuer: String
    /// The NameID the IdP asserted.
    public var nameID: String
    /// The AuthnStatement's SessionIndex, if the IdP sent one.
    public var sessionIndex: String?
    /// How the user authenticated, if the IdP said (rows stored before it was recorded: nil).
    public var authnContextClassRef: String?
    /// When the login completed.
    public var createdAt: Date
    /// When the session was last used (by this or, for SQLite, any process sharing the file).
    public var lastSeenAt: Date

    /// A summary with these fields.
    public init(
        idHash: String, issuer: String, nameID: String, sessionIndex: String? = nil, authnContextClassRef: String? = nil,
        createdAt: Date, lastSeenAt: Date
    ) {
        self.idHash = idHash
        self.issuer = issuer
        self.nameID = nameID
        self.sessionIndex = sessionIndex
        self.authnContextClassRef = authnContextClassRef
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
}
