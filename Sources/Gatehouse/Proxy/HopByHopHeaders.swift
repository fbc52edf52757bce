public import HTTPTypes

/// Headers that describe one connection and must not cross a proxy (RFC 9110 §7.6.1).
public enum HopByHopHeaders {
    /// Always removed, whatever `Connection` says.
    public static let fixed: Set<String> = [
        "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade",
    ]

    /// `fields` without hop-by-hop headers: the fixed list, every `Proxy-*` header, and every
    /// header the `Connection` header names.
    public static func remove(from fields: HTTPFields) -> HTTPFields {
        var named: Set<String> = []
        for value in fields[values: .connection] {
            for token in value.split(separator: ",") {
                named.insert(token.trimmingCharacters(in: " \t").lowercased())
            }
        }
        func isHopByHop(_ field: HTTPField) -> Bool {
            let name = field.name.canonicalName
            return fixed.contains(name) || named.contains(name) || name.hasPrefix("proxy-") || name.hasPrefix("proxy_")
        }
        // Most requests and responses carry none (or only Connection): keep the value as it is.
        guard fields.contains(where: isHopByHop) else { return fields }
        return HTTPFields(fields.filter { !isHopByHop($0) })
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
