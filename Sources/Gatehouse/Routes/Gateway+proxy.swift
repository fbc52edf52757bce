import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

extension Gateway {
    /// What ``authorize(_:live:logger:reference:)`` concluded for a proxied request.
    enum Authorization {
        /// Forward as the door decided.
        case allow(DoorForward)
        /// Answer with this response instead (400, login redirect, 401, 403, 404).
        case refuse(Response)
        /// A path the gateway serves itself.
        case own
    }

    /// The door's decision (``decide(_:session:live:ownPrefixes:needsUpstream:)``) for a
    /// request handled by a task: the session is asked of the store when memory does not
    /// have it, and a refusal is rendered by ``refusal(_:reference:live:logger:)``.
    func authorize(
        _ request: Request, live: GatewayRuntime, logger: Logger, reference: String = "", ownPrefixes: [String] = []
    ) async -> Authorization {
        let door = DoorRequest(
            method: request.method.rawValue, target: request.uri.description,
            accept: Self.isWebSocketHandshake(request.headers) ? nil : request.headers[.accept])
        let (decision, lookup) = await decideAwaitingStore(
            door, fields: request.headers, live: live, ownPrefixes: ownPrefixes, logger: logger)
        switch decision {
        case .forward(let forward):
            touchIfDue(lookup, live: live, logger: logger)
            return .allow(forward)
        case .refuse(let refusal):
            return .refuse(self.refusal(refusal, reference: reference, live: live, logger: logger))
        case .own:
            return .own
        case .needsStore:
            // Not reached: the session was just asked of the store.
            return .refuse(self.refusal(.unauthenticated, reference: reference, live: live, logger: logger))
        }
    }

    /// The request's headers as the upstream must see them: identity impostors and
    /// hop-by-hop headers gone, our cookies removed, forwarding and identity headers set.
    /// `sessionKey` (the session's ID hash) lets the identity headers come from the runtime's
    /// cache instead of being computed again.
    func upstreamHeaders(
        _ request: HTTPRequest, identity: SessionIdentity?, peer: String?, live: GatewayRuntime, sessionKey: String? = nil
    ) -> HTTPFields {
        let config = live.config
        var fields = IdentityHeaders.sanitize(request.headerFields, reserved: live.reservedHeaderNames)
        fields = HopByHopHeaders.remove(from: fields)
        fields = withoutOwnCookies(fields, cookie: config.cookie)
        fields = live.forwarded.apply(to: fields, clientAddress: peer, host: request.authority, scheme: "http")
        fields = Self.framed(fields, like: request.headerFields)
        if let identity {
            let make = { Self.identityFields(identity, live: live) }
            if let sessionKey {
                // Keyed by the SCIM groups too: a group change rewrites them in the session.
                fields.append(
                    contentsOf: live.identityFields.fields(for: sessionKey, provisionedGroups: identity.provisioning?.groups, make: make))
            } else {
                fields.append(contentsOf: make())
            }
        }
        return fields
    }

    /// `fields` framed exactly as the parsed request was: `Transfer-Encoding: chunked` when
    /// it was chunked, else its one `Content-Length`, else neither. Framing never comes from
    /// whatever headers are left after hop-by-hop removal (``RequestHeadCheck`` has made sure
    /// the request's own framing can be read only one way).
    static func framed(_ fields: HTTPFields, like request: HTTPFields) -> HTTPFields {
        let chunked = isChunked(request)
        let length = chunked ? nil : request[.contentLength]
        // Most requests: no body, nothing left to remove; keep the value as it is.
        if !chunked, length == nil, !fields.contains(where: { $0.name == .contentLength || $0.name == .transferEncoding }) {
            return fields
        }
        var result = fields
        result[.contentLength] = nil
        result[.transferEncoding] = nil
        if chunked {
            result[.transferEncoding] = "chunked"
        } else if let length {
            result[.contentLength] = length
        }
        return result
    }

    /// The identity headers `identity` earns under `live`, its SCIM groups applied as
    /// `scim.groups` says (``AccessPolicy/withEffectiveGroups(_:)``).
    static func identityFields(_ identity: SessionIdentity, live: GatewayRuntime) -> [HTTPField] {
        let shown = live.policy.withEffectiveGroups(identity)
        return IdentityHeaders.headers(for: shown, settings: live.config.identityHeaders).compactMap { header in
            HTTPField.Name(header.name).map { HTTPField(name: $0, value: header.value) }
        }
    }

    /// Drops Gatehouse's cookies from `Cookie`, so the upstream never sees a session ID.
    private func withoutOwnCookies(_ fields: HTTPFields, cookie: CookieSettings) -> HTTPFields {
        guard fields.contains(where: { $0.name == .cookie }) else { return fields }
        var result = HTTPFields()
        for field in fields {
            guard field.name == .cookie else {
                result.append(field)
                continue
            }
            var kept: [Substring] = []
            for pair in field.value.split(separator: ";") {
                let trimmed = Self.trimmingBlanks(pair)
                // Read exactly as the session cookie is read (Gateway.cookiePair), and also
                // with trailing blanks dropped from the name: never forward what we might read.
                if let name = Self.cookiePair(pair)?.name,
                    name == cookie.name || name == cookie.pendingLoginName
                        || Self.trimmingBlanks(name) == cookie.name || Self.trimmingBlanks(name) == cookie.pendingLoginName
                {
                    continue
                }
                if !trimmed.isEmpty { kept.append(trimmed) }
            }
            if !kept.isEmpty {
                result.append(HTTPField(name: .cookie, value: kept.joined(separator: "; ")))
            }
        }
        return result
    }

    private static func trimmingBlanks(_ text: Substring) -> Substring {
        var slice = text
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}
