public import Foundation

/// A length of time in the config file: a number of seconds (`90`) or a number with a unit
/// (`90s`, `30m`, `8h`, `1d`).
public struct ConfigDuration: Sendable, Hashable, Decodable, CustomStringConvertible {
    /// The length in whole seconds.
    public var seconds: Int

    /// A duration of `seconds` seconds.
    public init(seconds: Int) { self.seconds = seconds }

    /// A duration of `minutes` minutes.
    public static func minutes(_ minutes: Int) -> Self { .init(seconds: minutes * 60) }

    /// A duration of `hours` hours.
    public static func hours(_ hours: Int) -> Self { .init(seconds: hours * 3600) }

    /// The same length as a Swift `Duration`.
    public var duration: Duration { .seconds(seconds) }

    /// The same length as a Foundation `TimeInterval`.
    public var timeInterval: TimeInterval { TimeInterval(seconds) }

    /// The length as the config file would spell it, e.g. `90s`.
    public var description: String { "\(seconds)s" }

    /// Parses `90`, `90s`, `30m`, `8h` or `1d`; nil for anything else.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, factor: Int)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            guard let number = Int(trimmed.dropLast(unit.suffix.count)), number >= 0 else { return nil }
            self.seconds = number * unit.factor
            return
        }
        guard let number = Int(trimmed), number >= 0 else { return nil }
        self.seconds = number
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            guard number >= 0 else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a duration cannot be negative")
            }
            self.seconds = number
            return
        }
        let text = try container.decode(String.self)
        guard let parsed = ConfigDuration(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(text)' is not a duration; write seconds (90) or a number with s, m, h or d (30m)"
            )
        }
        self = parsed
    }
}
