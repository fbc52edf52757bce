import Foundation
public import Logging

/// Writes one JSON object per log line to standard error, for log shippers (`log.format: json`).
public struct JSONLogHandler: LogHandler {
    /// Metadata attached to every line.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    private let label: String
    private let stream: any TextOutputStream & Sendable

    /// A handler for the logger named `label`, writing to `stream` (standard error by default).
    public init(label: String, stream: any TextOutputStream & Sendable = StandardErrorStream()) {
        self.label = label
        self.stream = stream
    }

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
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        var stream = stream
        stream.write(Self.escapingSeparators(String(decoding: data, as: UTF8.self)) + "\n")
    }

    /// `json` with DEL, the C1 controls and U+2028/U+2029 written as `\u` escapes. JSON allows
    /// them raw inside strings, but some log viewers break lines on them (NEL, the separators),
    /// which would let a logged value fake a line. They only occur inside strings, where the
    /// escape means the same character.
    static func escapingSeparators(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: needsEscape) else { return json }
        var result = ""
        for scalar in json.unicodeScalars {
            if needsEscape(scalar) {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// The handler factory for `LoggingSystem.bootstrap` under `settings`, writing to `stream`.
    public static func factory(
        for settings: LogSettings, stream: any TextOutputStream & Sendable = StandardErrorStream()
    ) -> @Sendable (String) -> any LogHandler {
        let level = settings.level
        switch settings.format {
        case .json:
            return { label in
                var handler = JSONLogHandler(label: label, stream: stream)
                handler.logLevel = level
                return handler
            }
        case .text:
            return { label in
                var handler = TextLogHandler(label: label, stream: stream)
                handler.logLevel = level
                return handler
            }
        }
    }
}
