/// Where one request goes: the chosen upstream and the full URL to ask it for.
public struct UpstreamTarget: Sendable, Equatable {
    /// Index of the upstream in the configuration.
    public var index: Int
    /// The absolute URL for the upstream request.
    public var url: String

    /// A target.
    public init(index: Int, url: String) {
        self.index = index
        self.url = url
    }

    /// The upstream for request target `target` (path and query): longest prefix wins.
    /// nil when no upstream serves the path.
    public static func choose(for target: String, upstreams: [UpstreamSettings]) -> UpstreamTarget? {
        let path = PathMatcher.canonical(target)
        guard let prefix = PathMatcher.longestMatch(path, in: upstreams.map(\.prefix)),
            let index = upstreams.firstIndex(where: { $0.prefix == prefix })
        else { return nil }
        let upstream = upstreams[index]
        var forwarded = target.hasPrefix("/") ? target : "/" + target
        if upstream.stripPrefix {
            var base = upstream.prefix
            while base.hasSuffix("/") { base.removeLast() }
            if !base.isEmpty, forwarded.hasPrefix(base) {
                forwarded = String(forwarded.dropFirst(base.count))
                if !forwarded.hasPrefix("/") { forwarded = "/" + forwarded }
            }
        }
        var url = upstream.url
        while url.hasSuffix("/") { url.removeLast() }
        return UpstreamTarget(index: index, url: url + forwarded)
    }
}
