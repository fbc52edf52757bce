public import HTTPTypes

/// Headers that describe one connection and must not cross a proxy (RFC 9110 §7.6.1).
public enum HopByHopHeaders {
    /// Always removed, whatever `Connection` says.
    public static let fixed: Set<String> = [
        "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade",
    ]

    /// `fields` without hop-by-hop headers: the fixed list, every `Proxy-*` header, and every
    /// header the `Connection` header names. (A forwarded request's framing is set afterwards
    /// from the parsed request, see `Gateway.framed`, whatever `Connection` named.)
    public static func remove(from fields: HTTPFields) -> HTTPFields {
        strip(fields).fields
    }

    /// `fields` without hop-by-hop headers, and whether `Connection` said `close`: one pass
    /// over the `Connection` values for both.
    static func strip(_ fields: HTTPFields) -> (fields: HTTPFields, close: Bool) {
        var named: [String] = []
        var close = false
        for value in fields[values: .connection] {
            for token in value.split(separator: ",") {
                let name = token.trimmingCharacters(in: " \t").lowercased()
                if name == "close" { close = true }
                named.append(name)
            }
        }
        func isHopByHop(_ field: HTTPField) -> Bool {
            let name = field.name.canonicalName
            switch name {
            case "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade": return true
            default: return name.hasPrefix("proxy-") || name.hasPrefix("proxy_") || named.contains(name)
            }
        }
        // Most requests and responses carry none (or only Connection): keep the value as it is.
        guard fields.contains(where: isHopByHop) else { return (fields, close) }
        return (HTTPFields(fields.filter { !isHopByHop($0) }), close)
    }

    /// True when a `Connection` header of `fields` lists `token` (compared ignoring case).
    static func connectionLists(_ token: String, in fields: HTTPFields) -> Bool {
        fields[values: .connection].contains { value in
            value.split(separator: ",").contains { $0.trimmingCharacters(in: " \t").lowercased() == token }
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = self
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
