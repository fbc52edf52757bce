import NIOCore
import NIOSSL
import Synchronization

/// An upstream as the proxy connects to it.
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
    /// TLS for an `https` upstream.
    var tls: UpstreamTLS?
    /// The configured URL's path (without a trailing `/`), put before every request's path.
    var basePath: String
    /// Tells endpoints apart in the connection pool without hashing their strings.
    let poolKey: Int

    /// The endpoint of `upstream`, or nil when it is not a plain `http(s)://host[:port][/path]`
    /// URL (userinfo, query or fragment in it), or its TLS settings cannot be loaded.
    init?(_ upstream: UpstreamSettings) {
        let url = upstream.url
        let secure: Bool
        if url.lowercased().hasPrefix("http://") {
            secure = false
        } else if url.lowercased().hasPrefix("https://") {
            secure = true
        } else {
            return nil
        }
        let schemeLength = secure ? 8 : 7
        guard url.count > schemeLength else { return nil }
        let rest = url.dropFirst(schemeLength)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@"), rest.dropFirst(authority.count).allSatisfy({ $0 != "?" && $0 != "#" })
        else { return nil }
        var host = Substring(authority)
        var port = secure ? 443 : 80
        var isIPLiteral = false
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            isIPLiteral = true
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
        if !isIPLiteral { isIPLiteral = host.allSatisfy { $0.isNumber || $0 == "." } }
        if secure {
            guard let tls = UpstreamTLS(caFile: upstream.caFile, serverHostname: isIPLiteral ? nil : String(host)) else { return nil }
            self.tls = tls
        }
        var basePath = String(rest.dropFirst(authority.count))
        while basePath.hasSuffix("/") { basePath.removeLast() }
        self.basePath = basePath
        self.poolKey = Self.nextKey.add(1, ordering: .relaxed).newValue
        self.origin = String(url.prefix(schemeLength + authority.count))
        self.authority = String(authority)
        self.host = String(host)
        self.port = port
        self.url = url
        self.connectTimeout = .seconds(Int64(upstream.connectTimeout.seconds))
        self.readTimeout = .seconds(Int64(upstream.readTimeout.seconds))
    }
}

extension UpstreamEndpoint {
    fileprivate static let nextKey = Atomic<Int>(0)
}

/// The TLS client side of an `https` upstream: certificates verified against the system's
/// trust store, or only against `ca_file` when the upstream names one.
struct UpstreamTLS: Sendable, Hashable {
    let context: NIOSSLContext
    /// The name the certificate must carry (and SNI sends); nil for an IP address, whose
    /// certificate must then carry that address.
    let serverHostname: String?

    init?(caFile: String?, serverHostname: String?) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            configuration.trustRoots = .file(caFile)
        }
        guard let context = try? NIOSSLContext(configuration: configuration) else { return nil }
        self.context = context
        self.serverHostname = serverHostname
    }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.context === rhs.context && lhs.serverHostname == rhs.serverHostname }
    func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(context))
        hasher.combine(serverHostname)
    }
}
