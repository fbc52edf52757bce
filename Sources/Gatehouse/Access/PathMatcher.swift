import Foundation

/// Canonical request paths and prefix matching on segment boundaries.
public enum PathMatcher {
    /// The path as policy sees it: percent-decoded, `//` collapsed, `.` and `..` resolved,
    /// without the query. Rules match this form, so `/%61dmin` and `/x/../admin` are `/admin`.
    public static func canonical(_ target: String) -> String {
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
