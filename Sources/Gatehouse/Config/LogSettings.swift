public import Logging

/// How Gatehouse writes its log.
public struct LogSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// The line format.
    public enum Format: String, Sendable, Equatable, Decodable {
        /// Human-readable lines.
        case text
        /// One JSON object per line, for log shippers.
        case json
    }

    /// The line format.
    public var format: Format = .text
    /// The lowest level written.
    public var level: Logger.Level = .info

    /// Log settings; a nil argument keeps the declared default (text at info level).
    public init(format: Format? = nil, level: Logger.Level? = nil) {
        if let format { self.format = format }
        if let level { self.level = level }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case format, level }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(forKey: .format, default: format)
        let name = try container.decode(forKey: .level, default: level.rawValue)
        guard let level = Logger.Level(rawValue: name) else {
            let levels = Logger.Level.allCases.map(\.rawValue)
            throw DecodingError.dataCorruptedError(
                forKey: .level, in: container,
                debugDescription:
                    "'\(name)' is not a log level; use one of \(levels.dropLast().joined(separator: ", ")) or \(levels.last ?? "")")
        }
        self.level = level
    }
}
