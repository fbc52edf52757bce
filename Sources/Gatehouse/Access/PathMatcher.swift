/// Prefix matching on segment boundaries, over paths read by ``RequestTarget``.
public enum PathMatcher {
    /// True when canonical `path` is `prefix` or lies below it (`/app` matches `/app/x`, not `/apple`).
    public static func matches(_ path: String, prefix: String) -> Bool {
        // Byte-wise and without building strings: this runs several times for every request.
        var base = prefix.utf8[...]
        while base.last == UInt8(ascii: "/") { base = base.dropLast() }
        if base.isEmpty { return true }
        let bytes = path.utf8
        guard bytes.starts(with: base) else { return false }
        let rest = bytes.dropFirst(base.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "/")
    }

    /// The longest prefix in `prefixes` that matches `path`, if any.
    public static func longestMatch(_ path: String, in prefixes: [String]) -> String? {
        prefixes.filter { matches(path, prefix: $0) }.max { $0.count < $1.count }
    }
}
