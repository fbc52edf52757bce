/// A session store that cannot work, with a sentence for the admin.
public struct SessionStoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to do.
    public var message: String

    /// An error with `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
