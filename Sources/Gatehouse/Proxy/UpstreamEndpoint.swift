import NIOCore

/// A plain-HTTP upstream as the event-loop proxy connects to it.
struct UpstreamEndpoint: Sendable, Hashable {
    /// The configured URL's scheme and authority as written (`http://127.0.0.1:8081`).
    var origin: String
    /// The `Host` the upstream receives: the authority as written.
    var authority: String
    /// Where to connect.
    var host: String
    var port: Int
    /// The configured URL, for logs and error pages.
    var url: String
    var connectTimeout: TimeAmount
    var readTimeout: TimeAmount

    /// The endpoint of `upstream`, or nil when it is not a plain `http://host[:port][/path]`
    /// URL (HTTPS upstreams, userinfo): those are served by AsyncHTTPClient.
    init?(_ upstream: UpstreamSettings) {
        let url = upstream.url
        let scheme = "http://"
        guard url.count > scheme.count, url.prefix(scheme.count).lowercased() == scheme else { return nil }
        let rest = url.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@"), rest.dropFirst(authority.count).allSatisfy({ $0 != "?" && $0 != "#" })
        else { return nil }
        var host = Substring(authority)
        var port = 80
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()) else { return nil }
                port = number
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]) else { return nil }
            port = number
            host = host[..<colon]
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        self.origin = String(url.prefix(scheme.count + authority.count))
        self.authority = String(authority)
        self.host = String(host)
        self.port = port
        self.url = url
        self.connectTimeout = .seconds(Int64(upstream.connectTimeout.seconds))
        self.readTimeout = .seconds(Int64(upstream.readTimeout.seconds))
    }
}
