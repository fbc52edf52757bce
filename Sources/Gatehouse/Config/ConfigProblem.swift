/// One finding of ``ConfigCheck``: a sentence for the admin, and whether it stops the server.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    /// How serious a finding is.
    public enum Severity: String, Sendable, Equatable {
        /// The server must not start.
        case error
        /// Worth fixing soon, e.g. a certificate that expires within 30 days.
        case warning
    }

    /// How serious it is.
    public var severity: Severity
    /// What is wrong and what to do, as one sentence.
    public var message: String

    /// A finding.
    public init(_ severity: Severity, _ message: String) {
        self.severity = severity
        self.message = message
    }

    public var description: String { "\(severity.rawValue): \(message)" }
}
