public import HTTPTypes

/// Sets `X-Forwarded-For`, `-Proto` and `-Host`, believing a client's own values only when it
/// is a configured trusted proxy.
public struct ForwardedHeaders: Sendable {
    /// Proxies whose forwarding headers are believed.
    public var trustedProxies: [IPAddressRange]

    /// Forwarding rules trusting `trustedProxies`.
    public init(trustedProxies: [IPAddressRange]) {
        self.trustedProxies = trustedProxies
    }

    /// True when `address` belongs to a trusted proxy.
    public func isTrusted(_ address: String?) -> Bool {
        guard let address else { return false }
        return trustedProxies.contains { $0.contains(address) }
    }

    /// `fields` with the forwarding headers set for a request from `clientAddress` that
    /// reached us for `host` over `scheme`.
    ///
    /// From an untrusted client every incoming forwarding header (any case, `-` or `_`, and
    /// `Forwarded`) is dropped and replaced by what we saw ourselves.
    public func apply(to fields: HTTPFields, clientAddress: String?, host: String?, scheme: String) -> HTTPFields {
        let trusted = isTrusted(clientAddress)
        let names = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded"]
        var priorFor: [String] = []
        var priorProto: String?
        var priorHost: String?
        var result = HTTPFields()
        for field in fields {
            let name = IdentityHeaders.normalize(field.name.canonicalName)
            guard names.contains(name) else {
                result.append(field)
                continue
            }
            guard trusted, field.name.canonicalName == name else { continue }
            switch name {
            case "x-forwarded-for": priorFor.append(field.value)
            case "x-forwarded-proto": priorProto = priorProto ?? field.value
            case "x-forwarded-host": priorHost = priorHost ?? field.value
            default: result.append(field)
            }
        }
        let chain = (priorFor + [clientAddress ?? "unknown"]).joined(separator: ", ")
        result[Self.forwardedFor] = chain
        result[Self.forwardedProto] = priorProto ?? scheme
        if let forwardedHost = priorHost ?? host {
            result[Self.forwardedHost] = forwardedHost
        }
        return result
    }

    /// The address the request really came from: the last untrusted hop of `X-Forwarded-For`
    /// when the peer is a trusted proxy, else the peer itself.
    public func clientAddress(peer: String?, fields: HTTPFields) -> String? {
        guard isTrusted(peer) else { return peer }
        let hops = fields[values: Self.forwardedFor].flatMap { $0.split(separator: ",") }
            .map { String($0.filter { $0 != " " }) }
        return hops.last { !isTrusted($0) } ?? hops.first ?? peer
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!
}
