public import Foundation

/// How long a session may sit unused, and how long it may live at most.
public struct SessionTimeouts: Sendable, Equatable {
    /// A session unused for this many seconds ends.
    public var idle: TimeInterval
    /// A session ends this many seconds after login, however busy.
    public var absolute: TimeInterval

    /// Timeouts in seconds.
    public init(idle: TimeInterval, absolute: TimeInterval) {
        self.idle = idle
        self.absolute = absolute
    }

    /// One hour idle, twelve hours absolute.
    public static let standard = SessionTimeouts(idle: 3600, absolute: 12 * 3600)
}
