/// Why a configuration file could not be loaded. The message is a sentence for the admin.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong and where, e.g. `session.idle_timeout: 'soon' is not a duration …`.
    public var message: String

    /// An error with `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
