import Foundation

/// Standard error as a text stream for the log handlers. Each write is one `write(2)` of a
/// whole line, so lines from concurrent tasks do not interleave.
public struct StandardErrorStream: TextOutputStream, Sendable {
    /// The process's standard error.
    public init() {}

    /// Writes `string` at once.
    public mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
