public import Logging

/// Writes human-readable lines (`log.format: text`) in swift-log's stream format, with every
/// logged value escaped so that one event is always exactly one line.
///
/// Logged values carry request input (an `idp` query parameter, a NameID, an Issuer). Written
/// raw, a newline in one of them would start a forged line that a reader or a log shipper takes
/// for a real event, so control characters, line and paragraph separators and backslashes are
/// written as Swift-style escapes (`\n`, `\u{2028}`, `\\`).
public struct TextLogHandler: LogHandler {
    /// Metadata attached to every line.
    public var metadata: Logger.Metadata = [:]
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    /// Metadata added to every line at the time it is written.
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let stream: any TextOutputStream & Sendable

    /// A handler for the logger named `label`, writing to `stream`.
    public init(
        label: String, stream: any TextOutputStream & Sendable = StandardErrorStream(),
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.label = label
        self.stream = stream
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        // The stream handler would add the error's description unescaped, so it goes in here.
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        var escaped = Logger.Metadata()
        for (key, value) in merged { escaped[Self.escape(key)] = Self.escape(value) }
        // The inner handler only formats: everything it prints has been escaped above, and it
        // gets no provider of its own so nothing unescaped is added behind our back.
        var inner = StreamLogHandler(label: Self.escape(label), stream: stream, metadataProvider: nil)
        inner.logLevel = .trace
        inner.log(
            event: LogEvent(
                level: event.level, message: "\(Self.escape(event.message.description))", metadata: escaped,
                source: Self.escape(event.source), file: event.file, function: event.function, line: event.line))
    }

    /// `text` with every character that could break or fake a log line escaped.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\\": result += "\\\\"
            case _ where needsEscape(scalar): result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        // C0 controls, DEL and C1 controls (NEL, U+0085, ends a line for some readers).
        case 0x00...0x1F, 0x7F...0x9F: true
        // Line and paragraph separators, which some viewers and JSON-era tools break lines on.
        case 0x2028, 0x2029: true
        // A backslash, so that an escape in the output can never be forged by the input.
        case 0x5C: true
        default: false
        }
    }

    private static func escape(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(escape(text))
        case .stringConvertible(let convertible): .string(escape(convertible.description))
        case .array(let values): .array(values.map(escape))
        case .dictionary(let values):
            .dictionary(Dictionary(values.map { (escape($0.key), escape($0.value)) }, uniquingKeysWith: { $1 }))
        }
    }
}
