import Foundation
import Gatehouse
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

/// Hand-written hostile HTTP/1.1 requests sent over a raw socket to a live gateway in front of
/// a ``RecordingUpstream``. Each case names the status (or statuses, when pipelined) the
/// client must get, and exactly what the upstream must receive: the request line, the framing
/// and body bytes, the headers that matter, or nothing at all.
///
/// The table encodes the front (RFC 9112 framing, one Host, versions, methods), the one path
/// rule (``RequestTarget/parse(_:settings:)``), access, and forwarding (identity and
/// hop-by-hop headers stripped, framing as parsed, trailers dropped). Every forwarded request
/// is also checked for what must always hold: one Host (the upstream's), no hop-by-hop
/// header, no client identity header, `X-Forwarded-*` set by the gateway, no session cookie,
/// no trailer, no chunk extension.
@Suite struct HostileRequestTests {
    // MARK: the table's types

    /// What the upstream must receive for one request.
    struct Upstream: Sendable {
        /// The exact request line (placeholders allowed).
        var line: String
        var framing: RecordingUpstream.Framing = .none
        /// The exact body bytes (de-chunked when chunked).
        var body: [UInt8] = []
        /// Headers that must have exactly this one value, or (nil) be absent.
        var headers: [(name: String, value: String?)] = []
        /// The signed-in user's identity headers are expected (else none at all).
        var identity = false
        /// The `X-Forwarded-Host` expected; nil when the client sent no Host.
        var forwardedHost: String? = "{host}"
    }

    /// The groups the table is run in: one gateway and one recording upstream each.
    enum Group: String, CaseIterable, Sendable {
        case front, smuggling, paths, access, forwarding, pipelining
    }

    /// One hostile exchange.
    struct Case: Sendable, CustomStringConvertible {
        var group: Group
        var name: String
        /// The raw bytes written in one go (placeholders `{host}`, `{session}`, `{cookie}`…).
        var request: [UInt8]
        /// The final statuses, in order; nil accepts any status.
        var statuses: [Int?]
        /// Every request the upstream must receive, in order; empty: nothing.
        var upstream: [Upstream]
        /// The answer carries `Connection: close` and the server closes the connection.
        var closes = false
        /// Headers of the first response that must contain this text.
        var response: [(name: String, contains: String)] = []
        /// Indexes of final responses that answer a HEAD (no body).
        var headResponses: Set<Int> = []
        /// A known gateway bug: the expectations stay as the spec says, marked as a known issue.
        var known: String?

        var description: String { "[\(group.rawValue)] \(name)" }
    }

    // MARK: builders

    static let host = "Host: {host}\r\n"
    static let alice = "Cookie: {cookie}={session}\r\n"
    static let html = "Accept: text/html,application/xhtml+xml\r\n"
    /// A request hidden in a body, with the headers an attacker would like the upstream to believe.
    static let smuggled = "GET /admin/secret HTTP/1.1\r\nHost: internal\r\nX-Forwarded-User: root\r\nX-Forwarded-Groups: admins\r\n\r\n"

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func get(_ target: String, _ headers: String = "", version: String = "HTTP/1.1") -> String {
        "GET \(target) \(version)\r\n\(host)\(headers)\r\n"
    }

    static func post(_ target: String, _ body: String, _ headers: String = "", method: String = "POST") -> String {
        "\(method) \(target) HTTP/1.1\r\n\(host)\(headers)Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    static func chunked(_ target: String, _ chunks: String, _ headers: String = "", method: String = "POST") -> String {
        "\(method) \(target) HTTP/1.1\r\n\(host)\(headers)Transfer-Encoding: chunked\r\n\r\n\(chunks)"
    }

    static func fwd(
        _ line: String, _ framing: RecordingUpstream.Framing = .none, body: String = "", headers: [(String, String?)] = [],
        identity: Bool = false, forwardedHost: String? = "{host}"
    ) -> Upstream {
        Upstream(
            line: line + " HTTP/1.1", framing: framing, body: bytes(body), headers: headers.map { (name: $0.0, value: $0.1) },
            identity: identity, forwardedHost: forwardedHost)
    }

    static func c(
        _ group: Group, _ name: String, _ request: String, _ statuses: [Int?], _ upstream: [Upstream] = [], closes: Bool = false,
        response: [(String, String)] = [], head: Set<Int> = [], known: String? = nil
    ) -> Case {
        Case(
            group: group, name: name, request: bytes(request), statuses: statuses, upstream: upstream, closes: closes,
            response: response.map { (name: $0.0, contains: $0.1) }, headResponses: head, known: known)
    }

    /// Refused at the front: answered with `status` and `Connection: close`, closed, nothing forwarded.
    static func refused(_ group: Group, _ name: String, _ request: String, _ status: Int, known: String? = nil) -> Case {
        c(group, name, request, [status], [], closes: true, known: known)
    }

    static func refused(_ group: Group, _ name: String, bytes request: [UInt8], _ status: Int) -> Case {
        Case(group: group, name: name, request: request, statuses: [status], upstream: [], closes: true)
    }

    /// Refused by the path rule: 400 (an HTML page), nothing forwarded.
    /// `html`: the gateway's page (false where NIO's parser may refuse the raw byte first).
    static func badPath(_ name: String, _ target: String, html: Bool = true) -> Case {
        c(.paths, name, get(target), [400], response: html ? [("Content-Type", "text/html")] : [])
    }

    // MARK: the table

    static let front: [Case] = {
        let g = Group.front
        var cases: [Case] = [
            // NIO's parser refuses these versions itself, before RequestHeadCheck sees a head, with
            // the same error as a bare LF after the version: the front cannot tell an unsupported
            // version from a broken request line, so both get 400 (RFC 9112 allows it) and a close.
            refused(g, "HTTP/1.2", get("/public/v", version: "HTTP/1.2"), 400),
            refused(g, "HTTP/2.0 in an HTTP/1 request line", get("/public/v", version: "HTTP/2.0"), 400),
            refused(g, "HTTP/0.9", get("/public/v", version: "HTTP/0.9"), 400),
            refused(g, "HTTP/3.1", get("/public/v", version: "HTTP/3.1"), 400),
            refused(g, "HTTP/2 connection preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
            refused(g, "CONNECT in authority form", "CONNECT 127.0.0.1:443 HTTP/1.1\r\n\(host)\r\n", 405),
            refused(g, "CONNECT to the upstream's authority", "CONNECT {upstream} HTTP/1.1\r\n\(host)\r\n", 405),
            refused(g, "TRACE", "TRACE /public/t HTTP/1.1\r\n\(host)\r\n", 405),
            refused(g, "TRACE with Max-Forwards", "TRACE /public/t HTTP/1.1\r\n\(host)Max-Forwards: 0\r\n\r\n", 405),
            refused(g, "absolute-form target", get("http://127.0.0.1/public/x"), 400),
            refused(g, "absolute-form target naming the gateway", get("http://{host}/admin"), 400),
            refused(g, "absolute-form https target", get("https://{upstream}/public/x"), 400),
            refused(g, "asterisk-form OPTIONS", "OPTIONS * HTTP/1.1\r\n\(host)\r\n", 400),
            refused(g, "asterisk-form GET", "GET * HTTP/1.1\r\n\(host)\r\n", 400),
            refused(g, "HTTP/1.1 without Host", "GET /public/x HTTP/1.1\r\n\r\n", 400),
            refused(g, "two equal Host headers", get("/public/x", "Host: {host}\r\n"), 400),
            refused(g, "two different Host headers", get("/public/x", "Host: evil.example\r\n"), 400),
            refused(g, "Host with userinfo", "GET /public/x HTTP/1.1\r\nHost: evil@127.0.0.1\r\n\r\n", 400),
            refused(g, "Host with a path", "GET /public/x HTTP/1.1\r\nHost: 127.0.0.1/admin\r\n\r\n", 400),
            refused(g, "Host as a list", "GET /public/x HTTP/1.1\r\nHost: a.example, b.example\r\n\r\n", 400),
            refused(g, "Host with a space", "GET /public/x HTTP/1.1\r\nHost: a.example b\r\n\r\n", 400),
            refused(g, "Host with a percent-escape", "GET /public/x HTTP/1.1\r\nHost: a%2eexample\r\n\r\n", 400),
            refused(g, "Host with a quote", "GET /public/x HTTP/1.1\r\nHost: a.example\"x\r\n\r\n", 400),
            refused(g, "two equal Content-Length", post("/public/p", "hello", "Content-Length: 5\r\n"), 400),
            refused(g, "two different Content-Length", post("/public/p", "hello", "Content-Length: 50\r\n"), 400),
            refused(
                g, "Content-Length spelled twice in different case",
                "POST /public/p HTTP/1.1\r\n\(host)content-length: 5\r\nCONTENT-LENGTH: 5\r\n\r\nhello", 400),
            refused(g, "Content-Length as a list", "POST /public/p HTTP/1.1\r\n\(host)Content-Length: 5, 5\r\n\r\nhello", 400),
            refused(g, "Content-Length with a plus sign", "POST /public/p HTTP/1.1\r\n\(host)Content-Length: +5\r\n\r\nhello", 400),
            refused(g, "negative Content-Length", "POST /public/p HTTP/1.1\r\n\(host)Content-Length: -1\r\n\r\nhello", 400),
            refused(g, "hexadecimal Content-Length", "POST /public/p HTTP/1.1\r\n\(host)Content-Length: 0x5\r\n\r\nhello", 400),
            refused(
                g, "Content-Length with an inner space", "POST /public/p HTTP/1.1\r\n\(host)Content-Length: 1 0\r\n\r\nhelloworld", 400),
            refused(
                g, "Content-Length beyond 64 bits",
                "POST /public/p HTTP/1.1\r\n\(host)Content-Length: 99999999999999999999999\r\n\r\nhello",
                400),
            refused(
                g, "HTTP/1.0 with Transfer-Encoding",
                "POST /public/p HTTP/1.0\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400),
            refused(
                g, "Transfer-Encoding: chunked, chunked",
                "POST /public/p HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400),
            refused(g, "Transfer-Encoding: identity", "POST /public/p HTTP/1.1\r\n\(host)Transfer-Encoding: identity\r\n\r\n", 400),
            refused(
                g, "Transfer-Encoding: chunked, identity", "POST /public/p HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, identity\r\n\r\n",
                400),
            refused(
                g, "Transfer-Encoding: gzip, chunked",
                "POST /public/p HTTP/1.1\r\n\(host)Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
            refused(
                g, "Transfer-Encoding: xchunked", "POST /public/p HTTP/1.1\r\n\(host)Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400),
            refused(
                g, "Transfer-Encoding chunked in two headers",
                "POST /public/p HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
            refused(g, "empty Transfer-Encoding", "POST /public/p HTTP/1.1\r\n\(host)Transfer-Encoding: \r\n\r\n", 400),
            refused(g, "Expect: 200-ok", get("/public/e", "Expect: 200-ok\r\n"), 417),
            refused(g, "Expect: 100-continue with another expectation", get("/public/e", "Expect: 100-continue, x\r\n"), 417),
            refused(g, "two Expect headers", get("/public/e", "Expect: 100-continue\r\nExpect: 100-continue\r\n"), 417),
            refused(g, "space before a header's colon", get("/public/x", "X-A : 1\r\n"), 400),
            refused(g, "space before the colon of X-Forwarded-User", get("/public/x", "X-Forwarded-User : root\r\n"), 400),
            refused(g, "tab before the colon of X-Forwarded-User", get("/public/x", "X-Forwarded-User\t: root\r\n"), 400),
            refused(g, "X-Forwarded-User folded onto a second line", get("/public/x", "X-A: 1\r\n X-Forwarded-User: root\r\n"), 400),
            refused(g, "obs-fold continuation line", get("/public/x", "X-A: 1\r\n  folded\r\n"), 400),
            refused(g, "first header line starts with a space", "GET /public/x HTTP/1.1\r\n Host: {host}\r\n\(host)\r\n", 400),
            refused(g, "bare LF line endings", "GET /public/x HTTP/1.1\nHost: {host}\n\n", 400),
            refused(g, "bare LF after one header", "GET /public/x HTTP/1.1\r\nHost: {host}\nX-A: 1\r\n\r\n", 400),
            refused(g, "bare LF ending the request line", "GET /public/x HTTP/1.1\n\(host)\r\n", 400),
            refused(g, "bare CR in a header value", get("/public/x", "X-A: a\rb\r\n"), 400),
            refused(g, "parenthesis in a header name", get("/public/x", "X(A): 1\r\n"), 400),
            refused(g, "space in a header name", get("/public/x", "X A: 1\r\n"), 400),
            refused(g, "empty header name", get("/public/x", ": 1\r\n"), 400),
            refused(g, "NUL in a header value", get("/public/x", "X-A: a\0b\r\n"), 400),
            refused(g, "DEL in a header name", get("/public/x", "X\u{7F}A: 1\r\n"), 400),
            refused(g, "garbage request line", "HELLO\r\n\r\n", 400),
            refused(g, "lower-case method", "get /public/x HTTP/1.1\r\n\(host)\r\n", 400),
            refused(
                g, "one header over the size limit", get("/public/x", "X-Big: " + String(repeating: "a", count: 90 * 1024) + "\r\n"), 431),
            refused(
                g, "header section over the size limit in many fields",
                get("/public/x", (0..<60).map { "X-Fill-\($0): " + String(repeating: "b", count: 2000) + "\r\n" }.joined()), 431),
        ]
        // The first bytes of a TLS 1.2 ClientHello: a client speaking TLS to the plain port.
        let clientHello: [UInt8] =
            [0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]
            + Array(repeating: 0x42, count: 32) + [0x00, 0x00, 0x20, 0xc0, 0x2f, 0xc0, 0x30, 0x00, 0xff, 0x01, 0x00, 0x00, 0x10]
            + Array("\r\n\r\n".utf8)
        cases.append(refused(g, "TLS ClientHello", bytes: clientHello, 400))
        return cases
    }()

    static let smuggling: [Case] = {
        let g = Group.smuggling
        let body = smuggled
        let chunkedBody = "\(String(body.utf8.count, radix: 16))\r\n\(body)\r\n0\r\n\r\n"
        return [
            refused(
                g, "CL.TE: Content-Length and chunked, smuggled G",
                "POST /public/s HTTP/1.1\r\n\(host)Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG", 400),
            refused(
                g, "TE.CL: chunked then Content-Length, smuggled request in the chunk",
                "POST /public/s HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n\(chunkedBody)", 400),
            refused(
                g, "chunked with Content-Length: 0",
                "POST /public/s HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n\(chunkedBody)", 400),
            refused(
                g, "two Content-Length framing a smuggled request",
                "POST /public/s HTTP/1.1\r\n\(host)Content-Length: 0\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)", 400),
            refused(
                g, "Transfer-Encoding with a space before its colon",
                "POST /public/s HTTP/1.1\r\n\(host)Transfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400),
            refused(
                g, "Transfer-Encoding folded onto a second line",
                "POST /public/s HTTP/1.1\r\n\(host)Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400),
            refused(
                g, "Transfer-Encoding: xchunked with Content-Length",
                "POST /public/s HTTP/1.1\r\n\(host)Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n\r\nhello", 400),
            refused(
                g, "Transfer-Encoding behind a vertical tab",
                "POST /public/s HTTP/1.1\r\n\(host)Transfer-Encoding: \u{0B}chunked\r\n\r\n0\r\n\r\n", 400),
            refused(
                g, "Content-Length spelled with a trailing letter",
                "POST /public/s HTTP/1.1\r\n\(host)Content-Length: 5x\r\n\r\nhello", 400),
            c(
                g, "Connection: Content-Length keeps the length", post("/public/cl", body, "Connection: Content-Length\r\n"), [200],
                [fwd("POST /public/cl", .length(body.utf8.count), body: body, headers: [("X-Forwarded-User", nil)])]),
            c(
                g, "Connection: keep-alive, Content-Length keeps the length",
                post("/public/cl", body, "Connection: keep-alive, Content-Length\r\n"), [200],
                [fwd("POST /public/cl", .length(body.utf8.count), body: body)]),
            c(
                g, "Connection: close, content-length keeps the length and closes",
                post("/public/cl", body, "Connection: close, content-length\r\n"), [200],
                [fwd("POST /public/cl", .length(body.utf8.count), body: body)], closes: true),
            c(
                g, "Connection: Transfer-Encoding on a chunked request",
                chunked("/public/te", chunkedBody, "Connection: Transfer-Encoding\r\n"), [200],
                [fwd("POST /public/te", .chunked, body: body)]),
            c(
                g, "Connection: Host keeps one Host", get("/public/h", "Connection: Host\r\n"), [200],
                [fwd("GET /public/h")]),
            c(
                g, "GET with Content-Length carrying a whole request", post("/public/g", body, method: "GET"), [200],
                [fwd("GET /public/g", .length(body.utf8.count), body: body)]),
            c(
                g, "GET with Content-Length: 0", "GET /public/z HTTP/1.1\r\n\(host)Content-Length: 0\r\n\r\n", [200],
                [fwd("GET /public/z", .length(0))]),
            c(
                g, "DELETE with a body", post("/public/d", "{\"id\":1}", method: "DELETE"), [200],
                [fwd("DELETE /public/d", .length(8), body: "{\"id\":1}")]),
            c(
                g, "Content-Length with leading zeros", "POST /public/z HTTP/1.1\r\n\(host)Content-Length: 005\r\n\r\nhello", [200],
                [fwd("POST /public/z", .length(5), body: "hello")]),
            c(
                g, "Transfer-Encoding:<tab>chunked is chunked",
                "POST /public/tab HTTP/1.1\r\n\(host)Transfer-Encoding:\tchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", [200],
                [fwd("POST /public/tab", .chunked, body: "hello")]),
            c(
                g, "Transfer-Encoding: CHUNKED is chunked",
                "POST /public/up HTTP/1.1\r\n\(host)Transfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n", [200],
                [fwd("POST /public/up", .chunked, body: "hello")]),
            c(
                g, "chunk sizes with leading zeros and upper-case hex",
                chunked("/public/c", "0005\r\nhello\r\nA\r\n0123456789\r\n000\r\n\r\n"),
                [200], [fwd("POST /public/c", .chunked, body: "hello0123456789")]),
            c(
                g, "chunk extensions are not forwarded", chunked("/public/ext", "5;ext=1\r\nhello\r\n6;a=b;c\r\n world\r\n0;last\r\n\r\n"),
                [200], [fwd("POST /public/ext", .chunked, body: "hello world")]),
            c(
                g, "a whole request inside a chunk stays body", chunked("/public/in", chunkedBody), [200],
                [fwd("POST /public/in", .chunked, body: body)]),
            c(
                g, "chunked GET", chunked("/public/cg", "5\r\nhello\r\n0\r\n\r\n", method: "GET"), [200],
                [fwd("GET /public/cg", .chunked, body: "hello")]),
            c(g, "empty chunked body", chunked("/public/e", "0\r\n\r\n"), [200], [fwd("POST /public/e", .chunked)]),
            refused(g, "chunk size beyond 64 bits", chunked("/public/o", "FFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n"), 400),
            refused(g, "negative chunk size", chunked("/public/n", "-5\r\nhello\r\n0\r\n\r\n"), 400),
            refused(g, "chunk size not hexadecimal", chunked("/public/n", "g\r\nhello\r\n0\r\n\r\n"), 400),
            refused(g, "chunk longer than its size", chunked("/public/n", "3\r\nhello\r\n0\r\n\r\n"), 400),
            c(
                g, "trailer X-Forwarded-User is dropped",
                chunked(
                    "/public/tr", "5\r\nhello\r\n0\r\nX-Forwarded-User: evil\r\nX_Forwarded_Groups: admins\r\n\r\n", "TE: trailers\r\n"),
                [200],
                [fwd("POST /public/tr", .chunked, body: "hello", headers: [("X-Forwarded-User", nil)])]),
            c(
                g, "Host trailer is dropped", chunked("/public/tr", "5\r\nhello\r\n0\r\nHost: evil.example\r\n\r\n"), [200],
                [fwd("POST /public/tr", .chunked, body: "hello")]),
            // NIO's parser reads framing fields in a trailer as framing, and refuses them.
            refused(g, "Content-Length trailer", chunked("/public/tr", "5\r\nhello\r\n0\r\nContent-Length: 50\r\n\r\n"), 400),
            refused(g, "Transfer-Encoding trailer", chunked("/public/tr", "5\r\nhello\r\n0\r\nTransfer-Encoding: gzip\r\n\r\n"), 400),
            c(
                g, "trailer identity for a signed-in user is dropped",
                chunked("/docs/tr", "5\r\nhello\r\n0\r\nX-Forwarded-User: evil\r\nX-Forwarded-Groups: admins\r\n\r\n", alice), [200],
                [fwd("POST /docs/tr", .chunked, body: "hello", identity: true)]),
            c(
                g, "bytes after Content-Length are the next request",
                post("/public/p", "hello") + "GET /admin/x HTTP/1.1\r\n\(host)X-Forwarded-User: root\r\n\r\n",
                [200, 401], [fwd("POST /public/p", .length(5), body: "hello")]),
            c(
                g, "bytes after the last chunk are the next request",
                chunked("/public/p", "5\r\nhello\r\n0\r\n\r\n") + "GET /admin/x HTTP/1.1\r\n\(host)X-Forwarded-Groups: admins\r\n\r\n",
                [200, 401], [fwd("POST /public/p", .chunked, body: "hello")]),
            c(
                g, "Transfer_Encoding is not framing", post("/public/u", "hello", "Transfer_Encoding: chunked\r\n"), [200],
                [fwd("POST /public/u", .length(5), body: "hello")]),
            c(
                g, "Content_Length is not framing", post("/public/u", "hello", "Content_Length: 50\r\n"), [200],
                [fwd("POST /public/u", .length(5), body: "hello")]),
            c(
                g, "HTTP/1.0 body carrying a request",
                "POST /public/old HTTP/1.0\r\n\(host)Content-Length: \(body.utf8.count)\r\n\r\n\(body)", [200],
                [fwd("POST /public/old", .length(body.utf8.count), body: body)]),
            c(
                g, "Expect: 100-continue with the body sent at once", post("/public/x", "hello", "Expect: 100-continue\r\n"), [200],
                [fwd("POST /public/x", .length(5), body: "hello")]),
            c(
                g, "binary body with CRLF and NUL", post("/public/bin", "a\r\n\r\n\0b\r\n0\r\n\r\n"), [200],
                [fwd("POST /public/bin", .length(14), body: "a\r\n\r\n\0b\r\n0\r\n\r\n")]),
        ]
    }()

    static let paths: [Case] = {
        let g = Group.paths
        return [
            c(
                g, "dot segments and an escape resolved, query as received", get("/public/a/../b/%61?x=%2F.."), [200],
                [fwd("GET /public/b/a?x=%2F..")]),
            c(g, "encoded dots climb out of the public path", get("/public/%2e%2e/admin"), [401]),
            c(
                g, "encoded dots climb out of the public path (browser)", get("/public/%2e%2e/admin", html), [302],
                response: [("Location", "/saml/login?rd=")]),
            badPath("encoded slash after dots", "/public/..%2fadmin"),
            badPath("encoded dots, escaped letter and invalid UTF-8", "/static/%2e%2e/%61dmin/%ff/.."),
            c(g, "escaped letter reads as /admin", get("/%61dmin"), [401]),
            badPath("path parameter ;", "/admin;x"),
            badPath("path parameter ; on a public path", "/public/x;jsessionid=1"),
            badPath("encoded NUL", "/admin%00"),
            badPath("encoded NUL on a public path", "/public/x%00.html"),
            c(g, "upper-case /ADMIN, anonymous", get("/ADMIN"), [401]),
            badPath("double encoding", "/%2561dmin"),
            badPath("double-encoded dots", "/public/%252e%252e/admin"),
            c(g, "empty first segment //admin, anonymous", get("//admin"), [401]),
            c(g, "/./admin, anonymous", get("/./admin"), [401]),
            badPath("overlong UTF-8 dots", "/public/%C0%AE%C0%AE/admin"),
            badPath("overlong UTF-8 slash", "/public/..%C0%AFadmin"),
            badPath("encoded slash", "/public%2F..%2Fadmin"),
            badPath("lower-case encoded slash", "/public/a%2fb"),
            badPath("encoded backslash", "/public/x%5C..%5Cadmin"),
            badPath("raw backslash", "/public\\..\\admin", html: false),
            badPath("bad escape %zz", "/public/%zz"),
            badPath("truncated escape %2", "/public/%2"),
            badPath("trailing %", "/public/%"),
            badPath("escaped control character", "/public/%01"),
            badPath("escaped DEL", "/public/%7F"),
            badPath("escaped line feed", "/public/a%0d%0aX-Forwarded-User:%20root"),
            badPath("invalid UTF-8 %ff", "/public/%ff"),
            badPath("truncated UTF-8 %C3", "/public/%C3"),
            badPath("UTF-16 surrogate in UTF-8", "/public/%ED%A0%80"),
            badPath("raw non-ASCII", "/public/caf\u{E9}", html: false),
            badPath("fragment", "/public/x#frag", html: false),
            badPath("fragment in the query", "/public/x?a=1#frag", html: false),
            c(g, "escaped semicolon is a character", get("/public/a%3Bb"), [200], [fwd("GET /public/a%3Bb")]),
            c(g, "UTF-8 escape forwarded upper-case", get("/public/caf%c3%a9"), [200], [fwd("GET /public/caf%C3%A9")]),
            c(g, "escaped space forwarded", get("/public/a%20b"), [200], [fwd("GET /public/a%20b")]),
            c(g, "escaped unreserved character forwarded plain", get("/public/%7Euser/%41"), [200], [fwd("GET /public/~user/A")]),
            c(g, "escaped percent forwarded escaped", get("/public/100%25"), [200], [fwd("GET /public/100%25")]),
            c(g, "dot segments, empty segments, trailing slash", get("/public/a/./b/../c//d/"), [200], [fwd("GET /public/a/c/d/")]),
            c(g, "encoded single dot", get("/public/%2e"), [200], [fwd("GET /public")]),
            c(g, "empty segments before the public path", get("//public///x"), [200], [fwd("GET /public/x")]),
            c(
                g, "query kept byte for byte", get("/public/q?a=1&a=2&b=%2F%2e%2e&c=%zz&d=%00"), [200],
                [fwd("GET /public/q?a=1&a=2&b=%2F%2e%2e&c=%zz&d=%00")]),
            c(g, "empty query kept", get("/public/q?"), [200], [fwd("GET /public/q?")]),
            c(g, "climbing above the root", get("/public/../../../etc/passwd"), [401]),
            c(g, "dot-dot to the root", get("/public/.."), [401]),
            c(g, "/PUBLIC is not public", get("/PUBLIC/x"), [401]),
            c(g, "/public. is not public", get("/public./x"), [401]),
            c(g, "/publicx is not public", get("/publicx"), [401]),
            c(g, "the SP prefix left by dots", get("/saml/login/../../public/x"), [200], [fwd("GET /public/x")]),
            c(g, "dots into the SP prefix", get("/public/../saml/metadata"), [nil]),
            c(g, "escaped SP prefix", get("/%73aml/metadata"), [nil]),
            c(g, "empty segment before the SP prefix", get("//saml/whoami"), [nil]),
            c(g, "healthz", get("/healthz"), [200]),
            c(g, "dots into healthz", get("/public/%2e%2e/healthz"), [nil]),
            c(g, "metrics", get("/metrics"), [nil]),
            c(g, "readyz through dots", get("/public/../readyz"), [nil]),
            c(g, "whoami", get("/saml/whoami", alice), [nil]),
        ]
    }()

    static let access: [Case] = {
        let g = Group.access
        return [
            c(g, "anonymous browser navigation", get("/docs/x", html), [302], response: [("Location", "/saml/login?rd=")]),
            c(
                g, "anonymous HEAD navigation", "HEAD /docs/x HTTP/1.1\r\n\(host)\(html)\r\n", [302],
                response: [("Location", "/saml/login?rd=")], head: [0]),
            c(g, "anonymous API call", get("/docs/x"), [401], response: [("Content-Type", "application/json")]),
            c(g, "anonymous POST from a browser", post("/docs/x", "a=1", html), [401]),
            c(
                g, "anonymous with a forged identity",
                get("/docs/x", "X-Forwarded-User: alice@test.example\r\nX-Forwarded-Groups: admins\r\n"), [401]),
            c(g, "anonymous with a malformed session cookie", get("/docs/x", "Cookie: {cookie}=not-a-session\r\n"), [401]),
            c(g, "signed in", get("/docs/x", alice), [200], [fwd("GET /docs/x", identity: true)]),
            c(g, "signed in, not in admins", get("/admin/x", alice), [403]),
            c(g, "signed in, /admin itself", get("/admin", alice), [403]),
            c(g, "signed in, /ADMIN", get("/ADMIN", alice), [403]),
            c(g, "signed in, /Admin/x", get("/Admin/x", alice), [403]),
            c(g, "signed in, /admin./x", get("/admin./x", alice), [403]),
            c(g, "signed in, /admin../x", get("/admin../x", alice), [403]),
            c(g, "signed in, /admin%20/x", get("/admin%20/x", alice), [403]),
            c(g, "signed in, /admin%20", get("/admin%20", alice), [403]),
            c(g, "signed in, /admin%2E/x", get("/admin%2E/x", alice), [403]),
            c(g, "signed in, /admin. %20./x", get("/admin.%20./x", alice), [403]),
            c(g, "signed in, /%61dmin", get("/%61dmin", alice), [403]),
            c(g, "signed in, /%41DMIN/x", get("/%41DMIN/x", alice), [403]),
            c(g, "signed in, //admin", get("//admin", alice), [403]),
            c(g, "signed in, /./admin", get("/./admin", alice), [403]),
            c(g, "signed in, /docs/../admin", get("/docs/../admin", alice), [403]),
            c(g, "signed in, /public/%2e%2e/admin", get("/public/%2e%2e/admin", alice), [403]),
            c(
                g, "signed in, forged admins group",
                get("/admin/x", alice + "X-Forwarded-Groups: admins\r\nX_Forwarded_Groups: admins\r\n"), [403]),
            c(g, "signed in, /adminx is another path", get("/adminx", alice), [200], [fwd("GET /adminx", identity: true)]),
            c(g, "signed in, /admin-x is another path", get("/admin-x", alice), [200], [fwd("GET /admin-x", identity: true)]),
            c(g, "signed in, /admin.x is another path", get("/admin.x", alice), [200], [fwd("GET /admin.x", identity: true)]),
            c(g, "signed in, /PUBLIC/x forwarded with identity", get("/PUBLIC/x", alice), [200], [fwd("GET /PUBLIC/x", identity: true)]),
            c(g, "signed in, /public/x forwarded without identity", get("/public/x", alice), [200], [fwd("GET /public/x")]),
        ]
    }()

    static let forwarding: [Case] = {
        let g = Group.forwarding
        let forged =
            "X-Forwarded-User: evil\r\nx-forwarded-user: evil2\r\nX_Forwarded_User: evil3\r\nX-FORWARDED-EMAIL: evil@x\r\n"
            + "X-Forwarded-Groups: admins\r\nx_forwarded_preferred_username: root\r\nX-Forwarded_Email: evil@y\r\n"
        let hopByHop =
            "Connection: keep-alive, X-Hop, x-other\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nTrailer: X-T\r\nUpgrade: h2c\r\n"
            + "Proxy-Authorization: Basic eDp5\r\nProxy-Connection: keep-alive\r\nX-Hop: 1\r\nX-Other: 2\r\nX-Kept: 3\r\n"
        return [
            c(
                g, "anonymous public request with every identity spelling", get("/public/id", forged), [200],
                [fwd("GET /public/id", headers: [("X-Forwarded-User", nil), ("X-Forwarded-Groups", nil)])]),
            c(
                g, "signed-in request with every identity spelling", get("/docs/id", alice + forged), [200],
                [fwd("GET /docs/id", identity: true)]),
            c(
                g, "hop-by-hop headers removed", get("/public/hop", hopByHop), [200],
                [fwd("GET /public/hop", headers: [("X-Hop", nil), ("X-Other", nil), ("X-Kept", "3")])]),
            c(
                g, "Upgrade: h2c is a plain request",
                get("/public/h2c", "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"),
                [200],
                [fwd("GET /public/h2c", headers: [("HTTP2-Settings", nil)])]),
            c(g, "Connection: Upgrade without Upgrade", get("/public/cu", "Connection: Upgrade\r\n"), [200], [fwd("GET /public/cu")]),
            c(g, "Upgrade without Connection: Upgrade", get("/public/uc", "Upgrade: websocket\r\n"), [200], [fwd("GET /public/uc")]),
            c(
                g, "Upgrade: websocket without a key or version", get("/public/ws", "Connection: Upgrade\r\nUpgrade: websocket\r\n"), [200],
                [fwd("GET /public/ws")]),
            c(
                g, "client forwarding headers replaced",
                get(
                    "/public/xff",
                    "X-Forwarded-For: 10.0.0.1\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\nForwarded: for=10.0.0.1\r\n"
                        + "X_Forwarded_For: 10.0.0.2\r\nx-forwarded-host: evil2.example\r\n"),
                [200], [fwd("GET /public/xff", headers: [("Forwarded", nil)])]),
            c(
                g, "client Host becomes X-Forwarded-Host", "GET /public/host HTTP/1.1\r\nHost: example.com:8443\r\n\r\n", [200],
                [fwd("GET /public/host", forwardedHost: "example.com:8443")]),
            c(
                g, "IPv6 literal Host", "GET /public/host HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", [200],
                [fwd("GET /public/host", forwardedHost: "[::1]:8080")]),
            c(
                g, "session cookie removed, others kept", get("/docs/ck", "Cookie: app=1; {cookie}={session}; theme=dark\r\n"), [200],
                [fwd("GET /docs/ck", headers: [("Cookie", "app=1; theme=dark")], identity: true)]),
            c(
                g, "session cookie in a second Cookie header removed", get("/docs/ck", "Cookie: app=1\r\n" + alice), [200],
                [fwd("GET /docs/ck", headers: [("Cookie", "app=1")], identity: true)]),
            c(
                g, "malformed session cookie removed on a public path", get("/public/ck", "Cookie: {cookie}=forged; {pending}=x; a=b\r\n"),
                [200], [fwd("GET /public/ck", headers: [("Cookie", "a=b")])]),
            c(g, "GET without a body has no framing", get("/public/plain"), [200], [fwd("GET /public/plain")]),
            c(
                g, "upper-case CONTENT-LENGTH", "PUT /public/up HTTP/1.1\r\n\(host)CONTENT-LENGTH: 3\r\n\r\nabc", [200],
                [fwd("PUT /public/up", .length(3), body: "abc")]),
            c(
                g, "64 KiB body", post("/public/big", String(repeating: "0123456789abcdef", count: 4096)), [200],
                [fwd("POST /public/big", .length(65536), body: String(repeating: "0123456789abcdef", count: 4096))]),
            c(
                g, "many small chunks", chunked("/public/many", String(repeating: "1\r\nx\r\n", count: 100) + "0\r\n\r\n"), [200],
                [fwd("POST /public/many", .chunked, body: String(repeating: "x", count: 100))]),
            c(
                g, "HTTP/1.0 without Host", "GET /public/old HTTP/1.0\r\n\r\n", [200], [fwd("GET /public/old", forwardedHost: nil)]),
            c(
                g, "HTTP/1.0 POST with Content-Length", "POST /public/old HTTP/1.0\r\n\(host)Content-Length: 5\r\n\r\nhello", [200],
                [fwd("POST /public/old", .length(5), body: "hello")]),
            c(
                g, "HTTP/1.0 keep-alive", "GET /public/old HTTP/1.0\r\n\(host)Connection: keep-alive\r\n\r\n", [200],
                [fwd("GET /public/old")]),
            c(
                g, "Connection: close is answered and honoured", get("/public/close", "Connection: close\r\n"), [200],
                [fwd("GET /public/close")],
                closes: true),
            c(g, "OPTIONS on a path", "OPTIONS /public/o HTTP/1.1\r\n\(host)\r\n", [200], [fwd("OPTIONS /public/o")]),
            c(g, "unknown method", "PURGE /public/o HTTP/1.1\r\n\(host)\r\n", [200], [fwd("PURGE /public/o")]),
            c(
                g, "header with an empty value", get("/public/empty", "X-Empty:\r\n"), [200],
                [fwd("GET /public/empty", headers: [("X-Empty", "")])]),
            c(
                g, "header value with obs-text", get("/public/obs", "X-Latin: caf\u{E9}\r\n"), [200],
                [fwd("GET /public/obs", headers: [("X-Latin", "caf\u{E9}")])]),
        ]
    }()

    static let pipelining: [Case] = {
        let g = Group.pipelining
        return [
            c(g, "two GETs in one write", get("/public/1") + get("/public/2"), [200, 200], [fwd("GET /public/1"), fwd("GET /public/2")]),
            c(
                g, "GET, Content-Length POST, chunked POST",
                get("/public/1") + post("/public/2", "hello") + chunked("/public/3", "3\r\nabc\r\n0\r\n\r\n"),
                [200, 200, 200],
                [fwd("GET /public/1"), fwd("POST /public/2", .length(5), body: "hello"), fwd("POST /public/3", .chunked, body: "abc")]),
            c(g, "public then anonymous", get("/public/1") + get("/docs/2"), [200, 401], [fwd("GET /public/1")]),
            c(g, "anonymous then public", get("/docs/1") + get("/public/2"), [401, 200], [fwd("GET /public/2")]),
            c(
                g, "a refused path between two forwards", get("/public/1") + get("/public/%2F") + get("/public/3"), [200, 400, 200],
                [fwd("GET /public/1"), fwd("GET /public/3")]),
            c(
                g, "public then TRACE", get("/public/1") + "TRACE /public/2 HTTP/1.1\r\n\(host)\r\n", [200, 405], [fwd("GET /public/1")],
                closes: true),
            c(g, "TRACE then public", "TRACE /public/1 HTTP/1.1\r\n\(host)\r\n" + get("/public/2"), [405], closes: true),
            c(
                g, "public then CL.TE",
                get("/public/1") + "POST /public/2 HTTP/1.1\r\n\(host)Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                [200, 400], [fwd("GET /public/1")], closes: true),
            c(
                g, "public then bare LF", get("/public/1") + "GET /public/2 HTTP/1.1\nHost: {host}\n\n", [200, 400], [fwd("GET /public/1")],
                closes: true),
            c(
                g, "HEAD then GET", "HEAD /public/1 HTTP/1.1\r\n\(host)\r\n" + get("/public/2"), [200, 200],
                [fwd("HEAD /public/1"), fwd("GET /public/2")], head: [0]),
            c(
                g, "stray CRLF after a Connection: close request", get("/public/1", "Connection: close\r\n") + "\r\n", [200],
                [fwd("GET /public/1")], closes: true),
            c(
                g, "Connection: close stops the pipeline", get("/public/1", "Connection: close\r\n") + get("/public/2"), [200],
                [fwd("GET /public/1")], closes: true),
            c(
                g, "signed in: allowed then forbidden", get("/docs/1", alice) + get("/admin/2", alice), [200, 403],
                [fwd("GET /docs/1", identity: true)]),
            c(
                g, "healthz between two forwards", get("/public/1") + get("/healthz") + get("/public/3"), [200, 200, 200],
                [fwd("GET /public/1"), fwd("GET /public/3")]),
        ]
    }()

    static let allCases = front + smuggling + paths + access + forwarding + pipelining

    @Test func tableHasAtLeastOneHundredCases() {
        #expect(Self.allCases.count >= 100)
        #expect(Set(Self.allCases.map(\.description)).count == Self.allCases.count, "case names must be unique")
    }

    /// The recorder is the evidence: a body forwarded without its length must show up as a
    /// second request, and a chunked body must be read to its end, extensions and trailers apart.
    @Test func recorderFramesWhatItReceives() throws {
        let smuggling = Self.bytes("POST /public/cl HTTP/1.1\r\nHost: up\r\n\r\n" + Self.smuggled)
        guard case .request(let first, let consumed) = UpstreamRequestReader.read(smuggling) else {
            Issue.record("the first request was not read")
            return
        }
        #expect(first.framing == .none)
        guard case .request(let second, _) = UpstreamRequestReader.read(Array(smuggling[consumed...])) else {
            Issue.record("the smuggled request was not read")
            return
        }
        #expect(second.requestLine == "GET /admin/secret HTTP/1.1")
        #expect(second.values("X-Forwarded-User") == ["root"])
        let chunked = Self.bytes("POST /c HTTP/1.1\r\nHost: up\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n")
        guard case .request(let decoded, let length) = UpstreamRequestReader.read(chunked) else {
            Issue.record("the chunked request was not read")
            return
        }
        #expect(length == chunked.count)
        #expect(decoded.body == Self.bytes("hello"))
        #expect(decoded.chunkExtensions == [";x=1"])
        #expect(decoded.trailers.map(\.name) == ["X-T"])
        guard case .incomplete = UpstreamRequestReader.read(Array(chunked.dropLast(2))) else {
            Issue.record("a request without its last CRLF is not complete")
            return
        }
    }

    // MARK: running the table

    @Test(arguments: Group.allCases)
    func hostileRequests(_ group: Group) async throws {
        let upstream = try await RecordingUpstream.start()
        try await GatewayHarness.run(configure: { $0.upstreams = [.init(url: upstream.url)] }) { harness in
            let session = try await harness.login()
            let port = try #require(harness.client.port)
            let values = [
                "host": "127.0.0.1:\(port)", "upstream": upstream.authority, "session": session, "cookie": harness.config.cookie.name,
                "pending": harness.config.cookie.pendingLoginName,
            ]
            for hostile in Self.allCases where hostile.group == group {
                upstream.reset()
                let exchange = try await HostileClient.exchange(
                    port: port, bytes: Self.substitute(hostile.request, values), finalResponses: hostile.statuses.count,
                    waitForClose: hostile.closes, headResponses: hostile.headResponses)
                let received = await upstream.settle(count: hostile.upstream.count)
                let garbage = upstream.garbage
                if let known = hostile.known {
                    withKnownIssue(Comment(rawValue: known)) {
                        Self.check(hostile, exchange, received, garbage, values: values, cookies: harness.config.cookie)
                    }
                } else {
                    Self.check(hostile, exchange, received, garbage, values: values, cookies: harness.config.cookie)
                }
            }
        }
        await upstream.stop()
    }

    static func check(
        _ hostile: Case, _ exchange: HostileClient.Exchange, _ received: [RecordingUpstream.Received], _ garbage: [String],
        values: [String: String], cookies: CookieSettings
    ) {
        let name = hostile.description
        let answer =
            "\(exchange.text.prefix(600).debugDescription) (\(exchange.closedByServer ? "closed by the server" : "left open") after \(exchange.elapsed))"
        #expect(
            exchange.responses.count == hostile.statuses.count,
            "\(name): expected \(hostile.statuses.count) response(s) \(hostile.statuses), got \(exchange.responses.map(\.status)); answer: \(answer)"
        )
        for (index, expected) in hostile.statuses.enumerated() where index < exchange.responses.count {
            if let expected {
                #expect(
                    exchange.responses[index].status == expected,
                    "\(name): response \(index) status \(exchange.responses[index].status), expected \(expected); answer: \(answer)")
            }
        }
        if hostile.closes {
            #expect(exchange.closedByServer, "\(name): the server must close the connection; answer: \(answer)")
            if let last = exchange.responses.last {
                #expect(
                    last.values("Connection").contains { $0.lowercased().contains("close") },
                    "\(name): the last answer must say Connection: close; answer: \(answer)")
            }
        }
        if let first = exchange.responses.first {
            for check in hostile.response {
                let value = first.values(check.name).joined(separator: ", ")
                #expect(
                    value.contains(check.contains),
                    "\(name): response header \(check.name) is \(value.debugDescription), expected to contain \(check.contains.debugDescription)"
                )
            }
        }
        #expect(garbage.isEmpty, "\(name): the upstream received bytes it could not read as HTTP/1.1: \(garbage)")
        #expect(
            received.count == hostile.upstream.count,
            "\(name): the upstream received \(received.count) request(s), expected \(hostile.upstream.count):\n\(received.map(\.description).joined(separator: "\n"))"
        )
        for (index, (got, expected)) in zip(received, hostile.upstream).enumerated() {
            checkForwarded(got, expected, name: "\(name) — upstream request \(index)", values: values, cookies: cookies)
        }
    }

    static let identityNames: Set<String> = [
        "x-forwarded-user", "x-forwarded-email", "x-forwarded-groups", "x-forwarded-preferred-username",
    ]
    static let hopByHopNames: Set<String> = [
        "connection", "keep-alive", "te", "trailer", "upgrade", "proxy-connection", "proxy-authorization",
    ]

    static func normalize(_ name: String) -> String { name.lowercased().replacingOccurrences(of: "_", with: "-") }

    static func checkForwarded(
        _ got: RecordingUpstream.Received, _ expected: Upstream, name: String, values: [String: String], cookies: CookieSettings
    ) {
        let context = "\(name); received:\n\(got)"
        let line = substitute(expected.line, values)
        #expect(got.requestLine == line, "\(context)\nrequest line: expected \(line.debugDescription)")
        #expect(got.framing == expected.framing, "\(context)\nframing: expected \(expected.framing)")
        #expect(
            got.body == expected.body,
            "\(context)\nbody: expected \(String(decoding: expected.body.prefix(200), as: UTF8.self).debugDescription)")
        #expect(got.trailers.isEmpty, "\(context)\ntrailers must never be forwarded")
        #expect(got.chunkExtensions.isEmpty, "\(context)\nchunk extensions must not be forwarded: \(got.chunkExtensions)")
        #expect(got.values("Host") == [values["upstream"] ?? ""], "\(context)\nexactly one Host, the upstream's")
        switch expected.framing {
        case .chunked:
            #expect(got.values("Transfer-Encoding") == ["chunked"], "\(context)\nTransfer-Encoding must be exactly chunked")
            #expect(got.values("Content-Length").isEmpty, "\(context)\nno Content-Length on a chunked request")
        case .length(let length):
            #expect(got.values("Content-Length").count == 1, "\(context)\nexactly one Content-Length \(length)")
            #expect(got.values("Transfer-Encoding").isEmpty, "\(context)\nno Transfer-Encoding with a length")
        case .none:
            #expect(got.values("Content-Length").isEmpty && got.values("Transfer-Encoding").isEmpty, "\(context)\nno framing headers")
        }
        for header in got.headers {
            let lower = header.name.lowercased()
            #expect(!hopByHopNames.contains(lower) && !lower.hasPrefix("proxy-"), "\(context)\nhop-by-hop header \(header.name) forwarded")
        }
        let identity = got.headers.filter { identityNames.contains(normalize($0.name)) }
        if expected.identity {
            #expect(
                got.values("X-Forwarded-User") == ["alice@test.example"], "\(context)\nX-Forwarded-User must be the signed-in user's only")
            #expect(got.values("X-Forwarded-Groups") == ["staff"], "\(context)\nX-Forwarded-Groups must be the user's only")
            #expect(got.values("X-Forwarded-Email") == ["alice@test.example"], "\(context)\nX-Forwarded-Email must be the user's only")
            let spellings = Set(identity.map(\.name))
            #expect(spellings.count == identity.count, "\(context)\neach identity header once, in one spelling")
            #expect(
                identity.allSatisfy { !["evil", "root", "admins"].contains(where: $0.value.contains) },
                "\(context)\na client-sent identity value was forwarded")
        } else {
            #expect(identity.isEmpty, "\(context)\nno identity header may reach the upstream for this request: \(identity.map(\.name))")
        }
        let forwardedFor = got.headers.filter { normalize($0.name) == "x-forwarded-for" }
        #expect(forwardedFor.map(\.value) == ["127.0.0.1"], "\(context)\nX-Forwarded-For must be the peer only")
        let proto = got.headers.filter { normalize($0.name) == "x-forwarded-proto" }
        #expect(proto.map(\.value) == ["http"], "\(context)\nX-Forwarded-Proto must be the gateway's")
        let forwardedHost = got.headers.filter { normalize($0.name) == "x-forwarded-host" }
        if let host = expected.forwardedHost {
            #expect(
                forwardedHost.map(\.value) == [substitute(host, values)], "\(context)\nX-Forwarded-Host must be the Host the client sent")
        } else {
            #expect(forwardedHost.allSatisfy { !$0.value.contains("evil") }, "\(context)\nX-Forwarded-Host from the client")
        }
        for cookie in got.values("Cookie") {
            for pair in cookie.split(separator: ";") {
                let cookieName = pair.split(separator: "=", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                #expect(
                    cookieName != cookies.name && cookieName != cookies.pendingLoginName,
                    "\(context)\nthe gateway's cookie \(cookieName) reached the upstream")
            }
        }
        for header in expected.headers {
            if let value = header.value {
                #expect(
                    got.values(header.name) == [substitute(value, values)],
                    "\(context)\n\(header.name) must be exactly \(value.debugDescription)")
            } else {
                #expect(
                    !got.headers.contains { normalize($0.name) == normalize(header.name) },
                    "\(context)\n\(header.name) must not be forwarded")
            }
        }
    }

    static func substitute(_ text: String, _ values: [String: String]) -> String {
        String(decoding: substitute(Array(text.utf8), values), as: UTF8.self)
    }

    /// `template` with each `{name}` whose name is in `values` replaced.
    static func substitute(_ template: [UInt8], _ values: [String: String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(template.count)
        var index = 0
        while index < template.count {
            if template[index] == UInt8(ascii: "{"),
                let close = template[index...].prefix(12).firstIndex(of: UInt8(ascii: "}")),
                let value = values[String(decoding: template[(index + 1)..<close], as: UTF8.self)]
            {
                out.append(contentsOf: value.utf8)
                index = close + 1
                continue
            }
            out.append(template[index])
            index += 1
        }
        return out
    }

    // MARK: stalled clients

    /// Twenty clients that each send part of a head and then nothing are all disconnected by
    /// the header-read timeout, and nothing reaches the upstream.
    @Test func partialHeadsAreClosedByTheHeaderReadTimeout() async throws {
        let upstream = try await RecordingUpstream.start()
        try await GatewayHarness.run(configure: { config in
            config.upstreams = [.init(url: upstream.url)]
            config.listen.headerReadTimeout = .init(seconds: 1)
        }) { harness in
            let port = try #require(harness.client.port)
            let partials = [
                "GET /public/slow HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nX-Slow: ",
                "GET /public/slow HTTP/1.1\r\n",
                "GET /publ",
                "POST /public/slow HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Length: 5\r\n",
            ]
            let started = ContinuousClock.now
            let results = try await withThrowingTaskGroup(of: (Int, HostileClient.Exchange).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let exchange = try await HostileClient.exchange(
                            port: port, bytes: Array(partials[index % partials.count].utf8), finalResponses: 0, waitForClose: true,
                            timeout: .seconds(8))
                        return (index, exchange)
                    }
                }
                var results: [(Int, HostileClient.Exchange)] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(results.count == 20)
            for (index, exchange) in results {
                #expect(exchange.closedByServer, "partial head \(index) was left open")
                #expect(exchange.elapsed < .seconds(5), "partial head \(index) closed only after \(exchange.elapsed)")
            }
            #expect(ContinuousClock.now - started < .seconds(7))
            #expect(await upstream.settle(count: 0).isEmpty)
        }
        await upstream.stop()
    }

    /// A connection opened and left silent is closed by the server.
    @Test func silentConnectionIsClosed() async throws {
        let upstream = try await RecordingUpstream.start()
        try await GatewayHarness.run(configure: { config in
            config.upstreams = [.init(url: upstream.url)]
            config.listen.headerReadTimeout = .init(seconds: 1)
        }) { harness in
            let port = try #require(harness.client.port)
            let exchange = try await HostileClient.exchange(
                port: port, bytes: [], finalResponses: 0, waitForClose: true, timeout: .seconds(8))
            #expect(exchange.closedByServer, "a silent connection was left open")
            #expect(exchange.elapsed < .seconds(5), "a silent connection closed only after \(exchange.elapsed)")
            #expect(await upstream.settle(count: 0).isEmpty)
        }
        await upstream.stop()
    }
}

extension RecordingUpstream.Received {
    /// The status of a response read by ``HostileClient``.
    var status: Int { requestLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0 }
}

/// A raw client for one hostile exchange: writes bytes in one go, then reads responses until
/// the server closes, or the expected number of final responses arrived and nothing more
/// came for a moment.
enum HostileClient {
    struct Exchange: Sendable {
        /// Final (non-1xx) responses, in order.
        var responses: [RecordingUpstream.Received]
        /// Everything the server wrote.
        var text: String
        var closedByServer: Bool
        /// From connecting to the close (or giving up).
        var elapsed: Duration
    }

    private struct State {
        var bytes: [UInt8] = []
        var closed = false
        var last = ContinuousClock.now
    }

    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let state: NIOLockedValueBox<State>

        init(state: NIOLockedValueBox<State>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            state.withLockedValue {
                $0.bytes.append(contentsOf: buffer.readableBytesView)
                $0.last = .now
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLockedValue { $0.closed = true }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // A reset after (or instead of) the answer: the connection is gone either way.
            state.withLockedValue { $0.closed = true }
            context.close(promise: nil)
        }
    }

    static func exchange(
        port: Int, bytes: [UInt8], finalResponses: Int, waitForClose: Bool, headResponses: Set<Int> = [],
        quiet: Duration = .milliseconds(120), timeout: Duration = .seconds(5)
    ) async throws -> Exchange {
        let state = NIOLockedValueBox(State())
        let started = ContinuousClock.now
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(state: state))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        if !bytes.isEmpty {
            // Not awaited: the server may answer and close before taking every byte.
            channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        }
        var responses: [RecordingUpstream.Received] = []
        var closed = false
        while ContinuousClock.now - started < timeout {
            let snapshot = state.withLockedValue { $0 }
            closed = snapshot.closed
            responses = parseResponses(snapshot.bytes, closed: closed, headResponses: headResponses)
            if closed { break }
            if !waitForClose, responses.count >= finalResponses, ContinuousClock.now - snapshot.last >= quiet { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let elapsed = ContinuousClock.now - started
        try? await channel.close()
        let all = state.withLockedValue { $0.bytes }
        return Exchange(responses: responses, text: String(decoding: all, as: UTF8.self), closedByServer: closed, elapsed: elapsed)
    }

    /// The complete final responses in `bytes` (1xx skipped).
    static func parseResponses(_ bytes: [UInt8], closed: Bool, headResponses: Set<Int>) -> [RecordingUpstream.Received] {
        var responses: [RecordingUpstream.Received] = []
        var rest = bytes
        while !rest.isEmpty {
            guard let headEnd = UpstreamRequestReader.find([13, 10, 13, 10], in: rest, from: 0) else { break }
            let head = String(decoding: rest[..<headEnd], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst()
            let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            var headers: [(name: String, value: String)] = []
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            var response = RecordingUpstream.Received(
                requestLine: statusLine, headers: headers, framing: .none, body: [], trailers: [], chunkExtensions: [])
            var position = headEnd + 4
            let bodiless = (100..<200).contains(status) || status == 204 || status == 304 || headResponses.contains(responses.count)
            if !bodiless {
                if response.values("Transfer-Encoding").contains(where: { $0.lowercased().contains("chunked") }) {
                    // Re-use the request reader's chunk parser by dressing the rest as a request.
                    let dressed = Array("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8) + rest[position...]
                    guard case .request(let decoded, let consumed) = UpstreamRequestReader.read(dressed) else { break }
                    response.body = decoded.body
                    response.framing = .chunked
                    position += consumed - (dressed.count - (rest.count - position))
                } else if let length = response.values("Content-Length").first.flatMap({ Int($0) }) {
                    guard rest.count >= position + length else { break }
                    response.body = Array(rest[position..<(position + length)])
                    response.framing = .length(length)
                    position += length
                } else {
                    guard closed else { break }
                    response.body = Array(rest[position...])
                    position = rest.count
                }
            }
            rest = Array(rest[position...])
            if !(100..<200).contains(status) { responses.append(response) }
        }
        return responses
    }
}
