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

extension SessionTimeouts {
    /// How stale a session's last-seen time may get before a use is written back: writing on
    /// every request would make the store the bottleneck, and a minute (or a tenth of the idle
    /// timeout) of slack is invisible next to the idle timeout.
    public var touchInterval: TimeInterval { min(60, idle / 10) }
}

extension Session {
    /// True when a use at `now` should be recorded (``SessionStore/touch(_:)``): the session's
    /// last-seen time is more than ``SessionTimeouts/touchInterval`` old.
    public func isTouchDue(at now: Date, timeouts: SessionTimeouts) -> Bool {
        now.timeIntervalSince(lastSeenAt) > timeouts.touchInterval
    }
}
