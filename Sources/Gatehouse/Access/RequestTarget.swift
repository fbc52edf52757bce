/// A request target as the gateway reads it: the one path that access rules are matched on
/// and that the upstream receives.
///
/// ``parse(_:settings:)`` is the only place a request path is decoded. The path is decoded
/// once, `//` collapsed and `.`/`..` resolved; anything that cannot be read one way only is
/// refused (see ``PathRefusal``). The upstream is sent ``encodedPath``, which decodes (once)
/// to exactly ``path``: what was authorized is what is served, whatever the upstream.
public struct RequestTarget: Sendable, Equatable {
    /// The decoded, dot-resolved path: what public paths, access rules and upstream prefixes match.
    public var path: String
    /// ``path`` percent-encoded for the upstream (`%`, `;`, `?`, `#`, controls, non-ASCII escaped).
    public var encodedPath: String
    /// The query as received, without its `?`.
    public var query: String?

    /// What the upstream is asked for: ``encodedPath`` and the query.
    public var encodedTarget: String {
        guard let query else { return encodedPath }
        return encodedPath + "?" + query
    }

    /// The target `target` (origin form: path and optional query) as the gateway reads it,
    /// or why it is refused.
    public static func parse(_ target: String, settings: PathSettings = PathSettings()) -> Result<RequestTarget, PathRefusal> {
        let utf8 = target.utf8
        guard utf8.first == UInt8(ascii: "/") else { return .failure(.notOriginForm) }
        // Most targets are clean: read them in place, without copying their bytes.
        let mark = utf8.firstIndex(of: UInt8(ascii: "?"))
        var query: String?
        if let mark {
            let rest = utf8[utf8.index(after: mark)...]
            if let refusal = checkQuery(rest) { return .failure(refusal) }
            query = String(target[target.index(after: mark)...])
        }
        if isClean(utf8[..<(mark ?? utf8.endIndex)]) {
            let path = mark.map { String(target[..<$0]) } ?? target
            return .success(RequestTarget(path: path, encodedPath: path, query: query))
        }
        let bytes = Array(utf8)
        let end = mark.map { utf8.distance(from: utf8.startIndex, to: $0) } ?? bytes.count
        let raw = bytes[..<end]
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            let byte = raw[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < raw.endIndex, let high = hexValue(raw[index + 1]), let low = hexValue(raw[index + 2])
                else { return .failure(.badEscape) }
                let value = high << 4 | low
                switch value {
                case 0: return .failure(.nul)
                case UInt8(ascii: "/"):
                    guard settings.encodedSlashes == .decode else { return .failure(.encodedSlash) }
                case UInt8(ascii: "\\"): return .failure(.backslash)
                default:
                    if value < 0x20 || value == 0x7f { return .failure(.controlCharacter) }
                }
                decoded.append(value)
                index += 3
                continue
            }
            switch byte {
            case UInt8(ascii: "\\"): return .failure(.backslash)
            case UInt8(ascii: ";"):
                guard settings.semicolons == .literal else { return .failure(.semicolon) }
            case UInt8(ascii: "#"): return .failure(.fragment)
            default:
                if byte <= 0x20 || byte >= 0x7f { return .failure(.invalidCharacter) }
            }
            decoded.append(byte)
            index += 1
        }
        guard let text = String(validating: decoded, as: UTF8.self) else { return .failure(.invalidUTF8) }
        if settings.encodedPercent == .reject, containsEscape(decoded) { return .failure(.doubleEncoding) }
        let path = resolve(text)
        return .success(RequestTarget(path: path, encodedPath: encode(path), query: query))
    }

    /// True when the raw path is already in the form ``parse(_:settings:)`` would give and
    /// needs no encoding: only bytes that are forwarded as they are, no empty, `.` or `..`
    /// segment. Most request paths are like that.
    private static func isClean(_ raw: Substring.UTF8View) -> Bool {
        var segmentLength = 0
        var segmentDots = 0
        for byte in raw.dropFirst() {
            if byte == UInt8(ascii: "/") {
                if segmentLength == 0 || (segmentDots == segmentLength && segmentLength <= 2) { return false }
                segmentLength = 0
                segmentDots = 0
                continue
            }
            guard isForwardedAsIs(byte) else { return false }
            segmentLength += 1
            if byte == UInt8(ascii: ".") { segmentDots += 1 }
        }
        return !(segmentLength > 0 && segmentDots == segmentLength && segmentLength <= 2)
    }

    /// The segments of decoded `text` with `//` collapsed and `.`/`..` resolved; a trailing
    /// `/` is kept when the path ends in one.
    private static func resolve(_ text: String) -> String {
        var segments: [Substring] = []
        for segment in text.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let trailing = text.utf8.count > 1 && text.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return "/" + segments.joined(separator: "/") + trailing
    }

    /// `path` with every byte that is not forwarded as is percent-encoded.
    static func encode(_ path: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") || isForwardedAsIs(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Path bytes every upstream reads literally: RFC 3986 `pchar` without `%` and without
    /// `;` (Tomcat and Spring cut path parameters at a raw `;`).
    private static func isForwardedAsIs(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "$"),
            UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }

    /// A query is passed on as received, so it may hold no byte a parser could read two ways.
    private static func checkQuery(_ query: Substring.UTF8View) -> PathRefusal? {
        for byte in query {
            if byte == UInt8(ascii: "#") { return .fragment }
            if byte <= 0x20 || byte >= 0x7f { return .invalidCharacter }
        }
        return nil
    }

    /// True when decoded bytes still hold a `%XX` escape: an upstream that decodes twice
    /// (IIS, some frameworks) would read another path than the one authorized.
    private static func containsEscape(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), hexValue(bytes[index + 1]) != nil, hexValue(bytes[index + 2]) != nil {
                return true
            }
            index += 1
        }
        return false
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Why a request target was refused with 400.
public enum PathRefusal: String, Error, Sendable, CaseIterable {
    /// Not a path starting with `/` (absolute form, `*`, empty).
    case notOriginForm
    /// `%` not followed by two hex digits.
    case badEscape
    /// `%00`.
    case nul
    /// An escaped control character.
    case controlCharacter
    /// A raw byte that has no place in a request target (space, control, non-ASCII).
    case invalidCharacter
    /// The decoded path is not UTF-8.
    case invalidUTF8
    /// `%2F`, which upstreams read as a separator or as a character.
    case encodedSlash
    /// `\` or `%5C`, which IIS and some frameworks read as `/`.
    case backslash
    /// `;`, where Tomcat and Spring cut path parameters.
    case semicolon
    /// An escape that decodes to another escape (`%2561`), read twice by some upstreams.
    case doubleEncoding
    /// A `#` fragment, which a client never sends.
    case fragment

    /// The sentence on the 400 page and in the log.
    public var reason: String {
        switch self {
        case .notOriginForm: "The request target must be a path that starts with /."
        case .badEscape: "The address has a % that is not followed by two hexadecimal digits."
        case .nul: "The address contains an encoded NUL byte (%00)."
        case .controlCharacter: "The address contains an encoded control character."
        case .invalidCharacter: "The address contains a character that must be percent-encoded."
        case .invalidUTF8: "The address decodes to bytes that are not UTF-8."
        case .encodedSlash: "The address contains an encoded slash (%2F)."
        case .backslash: "The address contains a backslash."
        case .semicolon: "The address contains a semicolon in its path."
        case .doubleEncoding: "The address is percent-encoded twice."
        case .fragment: "The address contains a # fragment."
        }
    }
}
