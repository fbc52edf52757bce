import Foundation
import NIOHTTP1

/// The checks every request head passes as soon as it is parsed, before anything reads it
/// (RFC 9112). A refused head is answered with its status and the connection closes: a
/// message whose framing or target could be read two ways must not travel on.
enum RequestHeadCheck {
    /// Why a head is refused.
    struct Refusal: Equatable, Sendable {
        /// The status answered.
        var status: HTTPResponseStatus
        /// One sentence for the client and the log.
        var reason: String
    }

    /// The refusal for `head`, or nil when it may go on.
    static func refusal(_ head: HTTPRequestHead) -> Refusal? {
        guard head.version.major == 1, head.version.minor <= 1 else {
            return Refusal(status: .httpVersionNotSupported, reason: "Only HTTP/1.0 and HTTP/1.1 are served.")
        }
        switch head.method {
        case .CONNECT, .TRACE:
            return Refusal(status: .methodNotAllowed, reason: "\(head.method.rawValue) is not served.")
        default:
            break
        }
        guard head.uri.utf8.first == UInt8(ascii: "/") else {
            return Refusal(status: .badRequest, reason: "The request target must be a path that starts with /.")
        }
        // One pass over the names first: most heads carry one Host and nothing to frame.
        var hosts = 0
        var hostValue = ""
        var others = false
        for (name, value) in head.headers {
            switch name.utf8.count {
            case 4 where isName(name, "host"):
                hosts += 1
                hostValue = value
            case 6 where isName(name, "expect"), 14 where isName(name, "content-length"),
                17 where isName(name, "transfer-encoding"):
                others = true
            default:
                continue
            }
        }
        if hosts == 1, !others {
            return isHostValue(hostValue) ? nil : Refusal(status: .badRequest, reason: "The Host header is not a host name and port.")
        }
        if let refusal = hostRefusal(head) { return refusal }
        return framingRefusal(head)
    }

    /// True when header name `name` is `lowercase` ignoring ASCII case.
    private static func isName(_ name: String, _ lowercase: String) -> Bool {
        name.utf8.lazy.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }.elementsEqual(lowercase.utf8)
    }

    /// `head` without its `Upgrade` header unless it is a complete WebSocket handshake (the
    /// only upgrade the gateway performs). `Upgrade` is hop-by-hop and never forwarded, so
    /// dropping it changes nothing upstream; NIO's upgrade handler, which sees the head next,
    /// drops the request of an upgrade it cannot perform instead of handing it on.
    static func withoutStrayUpgrade(_ head: HTTPRequestHead) -> HTTPRequestHead {
        guard head.headers.contains(name: "upgrade") else { return head }
        let upgrades = head.headers["upgrade"]
        let connection = head.headers["connection"].flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let isWebSocket =
            upgrades.count == 1 && upgrades[0].trimmingCharacters(in: .whitespaces).lowercased() == "websocket"
            && connection.contains("upgrade") && head.method == .GET && head.version == .http1_1
            && head.headers["sec-websocket-key"].count == 1 && head.headers["sec-websocket-version"] == ["13"]
        guard !isWebSocket else { return head }
        var stripped = head
        stripped.headers.remove(name: "upgrade")
        return stripped
    }

    /// Exactly one `Host` in HTTP/1.1 (at most one in 1.0), with a value that is a host and
    /// optional port (RFC 9112 §3.2).
    private static func hostRefusal(_ head: HTTPRequestHead) -> Refusal? {
        let hosts = head.headers["host"]
        let required = head.version.minor >= 1
        guard hosts.count == 1 || (!required && hosts.isEmpty) else {
            return Refusal(status: .badRequest, reason: "The request must carry exactly one Host header.")
        }
        if let host = hosts.first, !isHostValue(host) {
            return Refusal(status: .badRequest, reason: "The Host header is not a host name and port.")
        }
        return nil
    }

    private static func isHostValue(_ value: String) -> Bool {
        guard !value.isEmpty else { return false }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// One way to read where the body ends: at most one `Content-Length` (digits only),
    /// `Transfer-Encoding` exactly `chunked` and only in HTTP/1.1, never both.
    private static func framingRefusal(_ head: HTTPRequestHead) -> Refusal? {
        let lengths = head.headers["content-length"]
        let codings = head.headers["transfer-encoding"]
        if lengths.count > 1 {
            return Refusal(status: .badRequest, reason: "The request carries more than one Content-Length.")
        }
        if let length = lengths.first {
            let digits = length.utf8
            guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else {
                return Refusal(status: .badRequest, reason: "The Content-Length is not a number.")
            }
        }
        guard !codings.isEmpty else { return expectRefusal(head) }
        guard lengths.isEmpty else {
            return Refusal(status: .badRequest, reason: "The request carries both Content-Length and Transfer-Encoding.")
        }
        guard head.version.minor >= 1 else {
            return Refusal(status: .badRequest, reason: "Transfer-Encoding is not allowed in HTTP/1.0.")
        }
        let tokens = codings.flatMap { $0.split(separator: ",") }.map { token in
            String(token.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()).lowercased()
        }
        guard tokens == ["chunked"] else {
            if tokens.last == "chunked", !tokens.dropLast().contains("chunked") {
                return Refusal(status: .notImplemented, reason: "Only the chunked transfer coding is served.")
            }
            return Refusal(status: .badRequest, reason: "The Transfer-Encoding must be chunked, once.")
        }
        return expectRefusal(head)
    }

    private static func expectRefusal(_ head: HTTPRequestHead) -> Refusal? {
        let expectations = head.headers["expect"]
        guard !expectations.isEmpty else { return nil }
        guard expectations.count == 1, expectations[0].lowercased() == "100-continue" else {
            return Refusal(status: .expectationFailed, reason: "Only Expect: 100-continue is understood.")
        }
        return nil
    }
}
