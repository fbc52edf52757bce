import Foundation
import HTTPTypes

/// Where a state-changing request came from, judged the way browsers report it: the `Origin`
/// header, or, when a browser sent none, the `Referer`.
///
/// The comparison is against the configured external URL, never the `Host` header, which a
/// TLS-terminating proxy or the client itself may have set to anything.
enum RequestOrigin: Equatable {
    /// A page of this site sent it.
    case sameOrigin
    /// Another site sent it; the value is the header that says so, for the log.
    case crossOrigin(String)
    /// Neither header is present. Every current browser sends `Origin` on a form post, so
    /// this is a non-browser client or a privacy tool that strips both; it is refused, since
    /// nothing shows the request came from this site.
    case unknown

    /// The origin of the request with `fields`, compared with `externalURL`'s.
    init(_ fields: HTTPFields, externalURL: String) {
        let ours = Self.origin(of: externalURL)
        let origins = fields[values: .origin]
        if !origins.isEmpty {
            // "null" (a sandboxed frame, a redirect chain across sites) never matches.
            let matches = ours != nil && origins.allSatisfy { Self.origin(of: $0) == ours }
            self = matches ? .sameOrigin : .crossOrigin("Origin: " + origins.joined(separator: ", "))
            return
        }
        let referers = fields[values: .referer]
        if !referers.isEmpty {
            let matches = ours != nil && referers.allSatisfy { Self.origin(of: $0) == ours }
            // Only the origin is logged: a full Referer may carry tokens in its query.
            let seen = referers.map { Self.origin(of: $0) ?? "unparsable" }.joined(separator: ", ")
            self = matches ? .sameOrigin : .crossOrigin("Referer: " + seen)
            return
        }
        self = .unknown
    }

    /// `scheme://host:port` of an http(s) URL, lowercased and with the default port spelled
    /// out, so that `https://A.example` and `https://a.example:443/x` compare equal.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        let defaultPort: Int
        switch scheme {
        case "http": defaultPort = 80
        case "https": defaultPort = 443
        default: return nil
        }
        return "\(scheme)://\(host):\(components.port ?? defaultPort)"
    }
}
