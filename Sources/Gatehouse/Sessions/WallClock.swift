public import Foundation
import Synchronization

/// The time source of stores and handlers, so tests control time instead of sleeping.
public protocol WallClock: Sendable {
    /// The current instant.
    var now: Date { get }
}

/// The system's real time.
public struct SystemWallClock: WallClock {
    /// The system clock.
    public init() {}

    public var now: Date { Date() }
}

/// A clock that only moves when told to. For tests and the offline `verify-response`.
public final class ManualWallClock: WallClock {
    private let current: Mutex<Date>

    /// A clock stopped at `start`.
    public init(_ start: Date) { current = Mutex(start) }

    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
