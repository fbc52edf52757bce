/// One identity header to send upstream.
public struct IdentityHeader: Sendable, Equatable {
    /// The header name as configured, e.g. `X-Forwarded-Groups`.
    public var name: String
    /// The value, free of control characters.
    public var value: String
    /// True when whole values were left out to respect the size cap.
    public var truncated: Bool

    /// A header.
    public init(name: String, value: String, truncated: Bool = false) {
        self.name = name
        self.value = value
        self.truncated = truncated
    }
}
