/// Where one request goes: the chosen upstream and the full URL to ask it for.
public struct UpstreamTarget: Sendable, Equatable {
    /// Index of the upstream in the configuration.
    public var index: Int
    /// The upstream's configured URL without a trailing `/`.
    public var base: String
    /// The path and query the upstream is asked for, after ``base``.
    public var pathAndQuery: String
    /// The absolute URL for the upstream request.
    public var url: String { base + pathAndQuery }

    /// A target: `url` is the whole URL, ending in `pathAndQuery`.
    public init(index: Int, url: String, pathAndQuery: String = "") {
        self.index = index
        self.base = url.hasSuffix(pathAndQuery) ? String(url.dropLast(pathAndQuery.count)) : url
        self.pathAndQuery = pathAndQuery
    }

    private init(index: Int, base: String, pathAndQuery: String) {
        self.index = index
        self.base = base
        self.pathAndQuery = pathAndQuery
    }

    /// The upstream for `target`: longest prefix wins; nil when no upstream serves the path.
    /// The upstream is asked for the canonical path (percent-encoded so that decoding it
    /// once gives back exactly the path that was authorized), less the prefix when the
    /// upstream strips it, and the query as received.
    public static func choose(for target: RequestTarget, upstreams: [UpstreamSettings]) -> UpstreamTarget? {
        var bestIndex: Int?
        var bestLength = -1
        for (index, upstream) in upstreams.enumerated()
        where PathMatcher.matches(target.path, prefix: upstream.prefix) && upstream.prefix.utf8.count > bestLength {
            bestIndex = index
            bestLength = upstream.prefix.utf8.count
        }
        guard let index = bestIndex else { return nil }
        let upstream = upstreams[index]
        var path = target.path
        var encoded = target.encodedPath
        if upstream.stripPrefix {
            var base = upstream.prefix
            while base.hasSuffix("/") { base.removeLast() }
            if !base.isEmpty, path.hasPrefix(base) {
                path = String(path.dropFirst(base.count))
                if !path.hasPrefix("/") { path = "/" + path }
                encoded = RequestTarget.encode(path)
            }
        }
        let pathAndQuery = target.query.map { encoded + "?" + $0 } ?? encoded
        var base = upstream.url
        while base.hasSuffix("/") { base.removeLast() }
        return UpstreamTarget(index: index, base: base, pathAndQuery: pathAndQuery)
    }

    /// The upstream for the raw request target `target`, read with the default path
    /// settings; nil when no upstream serves it or the target is refused.
    public static func choose(for target: String, upstreams: [UpstreamSettings]) -> UpstreamTarget? {
        guard case .success(let parsed) = RequestTarget.parse(target) else { return nil }
        return choose(for: parsed, upstreams: upstreams)
    }
}
