public import Foundation

/// A signed-in browser's server-side state. Holds no session ID, only its hash as the key.
public struct Session: Sendable, Equatable {
    /// SHA-256 of the session ID, hex. The ID itself is never stored.
    public var idHash: String
    /// Who signed in.
    public var identity: SessionIdentity
    /// When the login completed.
    public var createdAt: Date
    /// When the session was last used.
    public var lastSeenAt: Date

    /// A session record.
    public init(idHash: String, identity: SessionIdentity, createdAt: Date, lastSeenAt: Date) {
        self.idHash = idHash
        self.identity = identity
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }

    /// True when either timeout has passed at `now`.
    public func isExpired(at now: Date, timeouts: SessionTimeouts) -> Bool {
        now >= createdAt.addingTimeInterval(timeouts.absolute) || now >= lastSeenAt.addingTimeInterval(timeouts.idle)
    }

    /// The moment the session ends if it is not used again.
    public func expiry(timeouts: SessionTimeouts) -> Date {
        min(createdAt.addingTimeInterval(timeouts.absolute), lastSeenAt.addingTimeInterval(timeouts.idle))
    }
}
