public import Foundation

/// A validated response: who signed in, and what the replay cache must remember.
public struct LoginCompletion: Sendable, Equatable {
    /// The identity to store in the new session.
    public var identity: SessionIdentity
    /// The Assertion ID, refused if it comes again.
    public var assertionID: String
    /// Until when the assertion could be accepted (its NotOnOrAfter), so until when to remember it.
    public var assertionExpiry: Date

    /// A completion.
    public init(identity: SessionIdentity, assertionID: String, assertionExpiry: Date) {
        self.identity = identity
        self.assertionID = assertionID
        self.assertionExpiry = assertionExpiry
    }
}
