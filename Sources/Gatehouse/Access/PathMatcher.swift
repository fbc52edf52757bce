/// Prefix matching on segment boundaries, over paths read by ``RequestTarget``.
public enum PathMatcher {
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
