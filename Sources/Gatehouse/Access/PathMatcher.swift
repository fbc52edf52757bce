import Foundation

/// Canonical request paths and prefix matching on segment boundaries.
public enum PathMatcher {
    /// The path as policy sees it: percent-decoded, `//` collapsed, `.` and `..` resolved,
    /// without the query. Rules match this form, so `/%61dmin` and `/x/../admin` are `/admin`.
    public static func canonical(_ target: String) -> String {
        if let clean = alreadyCanonical(target) { return clean }
        var path = String(target.prefix { $0 != "?" && $0 != "#" })
        path = path.removingPercentEncoding ?? path
        path = path.replacingOccurrences(of: "\\", with: "/")
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let trailing = path.count > 1 && path.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return "/" + segments.joined(separator: "/") + trailing
    }

    /// The path part of `target` when canonicalizing would not change it: it starts with `/`
    /// and has no `%`, no `\\`, no empty, `.` or `..` segment. Most request paths are like that.
    private static func alreadyCanonical(_ target: String) -> String? {
        let bytes = target.utf8
        guard bytes.first == UInt8(ascii: "/") else { return nil }
        var end = bytes.endIndex
        var segmentLength = 0
        var segmentDots = 0
        var index = bytes.index(after: bytes.startIndex)
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") {
                end = index
                break
            }
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "\\"):
                return nil
            case UInt8(ascii: "/"):
                // An empty segment (`//`) or a `.`/`..` segment needs the full treatment.
                if segmentLength == 0 || segmentDots == segmentLength { return nil }
                segmentLength = 0
                segmentDots = 0
            case UInt8(ascii: "."):
                segmentLength += 1
                segmentDots += 1
            default:
                segmentLength += 1
            }
            index = bytes.index(after: index)
        }
        // The last segment: `.` or `..` at the end needs resolving; empty means a trailing `/`.
        if segmentLength > 0, segmentDots == segmentLength, segmentLength <= 2 { return nil }
        return end == bytes.endIndex ? target : String(target[..<end])
    }

    /// True when canonical `path` is `prefix` or lies below it (`/app` matches `/app/x`, not `/apple`).
    public static func matches(_ path: String, prefix: String) -> Bool {
        var base = prefix
        while base.hasSuffix("/") { base.removeLast() }
        if base.isEmpty { return true }
        return path == base || path.hasPrefix(base + "/")
    }

    /// The longest prefix in `prefixes` that matches `path`, if any.
    public static func longestMatch(_ path: String, in prefixes: [String]) -> String? {
        prefixes.filter { matches(path, prefix: $0) }.max { $0.count < $1.count }
    }
}
