/// How Gatehouse writes its log.
public struct LogSettings: Sendable, Equatable, Decodable {
    /// The line format.
    public enum Format: String, Sendable, Equatable, Decodable {
        /// Human-readable lines.
        case text
        /// One JSON object per line, for log shippers.
        case json
    }

    /// The line format.
    public var format: Format = .text
    /// The lowest level written: trace, debug, info, notice, warning, error, critical.
    public var level: String = "info"

    /// Log settings; text at info level by default.
    public init(format: Format = .text, level: String = "info") {
        self.format = format
        self.level = level
    }

    private enum CodingKeys: String, CodingKey { case format, level }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decodeIfPresent(Format.self, forKey: .format) ?? format
        level = try container.decodeIfPresent(String.self, forKey: .level) ?? level
    }
}
