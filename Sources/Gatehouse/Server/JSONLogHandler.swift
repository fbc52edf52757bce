import Foundation
public import Logging

/// Writes one JSON object per log line to standard error, for log shippers (`log.format: json`).
public struct JSONLogHandler: LogHandler {
    /// Metadata attached to every line.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    private let label: String

    /// A handler for the logger named `label`.
    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: String] = [
            "time": Date().formatted(.iso8601), "level": event.level.rawValue, "logger": label,
            "message": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = value.description
        }
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        line.append(0x0a)
        FileHandle.standardError.write(line)
    }

    /// The handler factory for `LoggingSystem.bootstrap` under `settings`.
    public static func factory(for settings: LogSettings) -> @Sendable (String) -> any LogHandler {
        let level = Logger.Level(rawValue: settings.level) ?? .info
        switch settings.format {
        case .json:
            return { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        case .text:
            return { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
