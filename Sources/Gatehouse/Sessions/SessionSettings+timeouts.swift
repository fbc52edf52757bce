extension SessionSettings {
    /// The timeouts as a value the stores use.
    public var timeouts: SessionTimeouts {
        SessionTimeouts(idle: idleTimeout.timeInterval, absolute: absoluteTimeout.timeInterval)
    }
}
