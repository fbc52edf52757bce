extension SCIMValue {
    /// Parses a JSON document. Duplicate member names (ignoring case) are refused, because two
    /// spellings of one attribute would make the outcome depend on which one is read.
    ///
    /// - Throws: `payloadTooLarge` over `limits.maxBytes`, `invalidSyntax` for anything that is not
    ///   a single well-formed JSON value within `limits.maxDepth`.
    public static func parse(json bytes: some Collection<UInt8>, limits: SCIMJSONLimits = .init()) throws(SCIMError) -> SCIMValue {
        guard bytes.count <= limits.maxBytes else {
            throw SCIMError(.payloadTooLarge, "the body has \(bytes.count) bytes; at most \(limits.maxBytes) are accepted")
        }
        var parser = SCIMJSONParser(bytes: Array(bytes), maxDepth: limits.maxDepth)
        return try parser.document()
    }

    /// Parses a JSON document given as text.
    public static func parse(json text: String, limits: SCIMJSONLimits = .init()) throws(SCIMError) -> SCIMValue {
        try parse(json: Array(text.utf8), limits: limits)
    }

    /// The compact JSON text of this value, members in their stored order.
    public var json: String {
        var output = ""
        write(to: &output)
        return output
    }

    /// The JSON text as UTF-8 bytes.
    public var jsonBytes: [UInt8] { Array(json.utf8) }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .integer(let value): output += String(value)
        case .decimal(let value):
            if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
                // Written with a fraction so it reads back as a decimal, not an integer.
                output += String(Int(value)) + ".0"
            } else if value.isFinite {
                output += "\(value)"
            } else {
                output += "null"
            }
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.write(to: &output)
            }
            output += "]"
        case .object(let object):
            output += "{"
            for (index, member) in object.members.enumerated() {
                if index > 0 { output += "," }
                Self.writeString(member.name, to: &output)
                output += ":"
                member.value.write(to: &output)
            }
            output += "}"
        }
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
