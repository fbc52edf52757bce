import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A loopback upstream that records every byte the gateway sends it, splits the bytes into
/// requests by their own framing (Content-Length, chunked, neither) the way a strict
/// HTTP/1.1 server would, and answers each request `200 ok`.
///
/// Because it frames by the headers it receives, a request hidden in another's body and
/// forwarded raw shows up as a second recorded request: the evidence of smuggling.
final class RecordingUpstream: Sendable {
    /// How a received request said where its body ends.
    enum Framing: Equatable, Sendable, CustomStringConvertible {
        case none
        case length(Int)
        case chunked

        var description: String {
            switch self {
            case .none: "no body framing"
            case .length(let length): "Content-Length: \(length)"
            case .chunked: "chunked"
            }
        }
    }

    /// One request as the upstream read it.
    struct Received: Sendable, CustomStringConvertible {
        var requestLine: String
        var headers: [(name: String, value: String)]
        var framing: Framing
        /// The body bytes (de-chunked when chunked).
        var body: [UInt8]
        /// Trailer fields of a chunked body.
        var trailers: [(name: String, value: String)]
        /// Chunk extensions seen (`;name=value` after a chunk size).
        var chunkExtensions: [String]

        /// The values of headers named `name` (compared ignoring case).
        func values(_ name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }

        var description: String {
            var text = requestLine + "\n"
            for header in headers { text += "  \(header.name): \(header.value)\n" }
            text += "  [\(framing), body \(body.count) bytes: \(String(decoding: body.prefix(200), as: UTF8.self).debugDescription)]"
            if !trailers.isEmpty { text += "\n  trailers: \(trailers.map { "\($0.name): \($0.value)" })" }
            return text
        }
    }

    private struct State {
        var requests: [Received] = []
        /// Bytes that could not be read as HTTP/1.1 (the connection is then closed).
        var garbage: [String] = []
        var lastActivity = ContinuousClock.now
        var connections = 0
    }

    static let answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    static let headAnswer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"

    let channel: any Channel
    private let state: NIOLockedValueBox<State>

    var port: Int { channel.localAddress?.port ?? 0 }
    var url: String { "http://127.0.0.1:\(port)" }
    var authority: String { "127.0.0.1:\(port)" }
    var requests: [Received] { state.withLockedValue { $0.requests } }
    var garbage: [String] { state.withLockedValue { $0.garbage } }

    private init(channel: any Channel, state: NIOLockedValueBox<State>) {
        self.channel = channel
        self.state = state
    }

    static func start() async throws -> RecordingUpstream {
        let state = NIOLockedValueBox(State())
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    state.withLockedValue { $0.connections += 1 }
                    try channel.pipeline.syncOperations.addHandler(Handler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RecordingUpstream(channel: channel, state: state)
    }

    /// Forgets everything recorded so far.
    func reset() {
        state.withLockedValue {
            $0.requests = []
            $0.garbage = []
        }
    }

    /// The requests recorded once at least `count` have arrived and nothing more has come for
    /// `quiet` (or `timeout` passed): long enough for a smuggled request to show up too.
    func settle(count: Int, quiet: Duration = .milliseconds(100), timeout: Duration = .seconds(3)) async -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (received, last) = state.withLockedValue { ($0.requests.count + $0.garbage.count, $0.lastActivity) }
            if received >= count, ContinuousClock.now - last >= quiet { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return requests
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let state: NIOLockedValueBox<State>
        var buffer: [UInt8] = []

        init(state: NIOLockedValueBox<State>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
            buffer.append(contentsOf: bytes.readableBytesView)
            state.withLockedValue { $0.lastActivity = .now }
            while true {
                switch UpstreamRequestReader.read(buffer) {
                case .incomplete:
                    return
                case .malformed(let reason):
                    let text = String(decoding: buffer.prefix(300), as: UTF8.self)
                    state.withLockedValue { $0.garbage.append("\(reason): \(text.debugDescription)") }
                    buffer = []
                    context.close(promise: nil)
                    return
                case .request(let request, let consumed):
                    buffer.removeFirst(consumed)
                    state.withLockedValue {
                        $0.requests.append(request)
                        $0.lastActivity = .now
                    }
                    // A response to HEAD has the length of the body it does not carry.
                    let answer = request.requestLine.hasPrefix("HEAD ") ? RecordingUpstream.headAnswer : RecordingUpstream.answer
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
                }
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

/// A strict HTTP/1.1 request reader over raw bytes (CRLF only; no obs-fold).
enum UpstreamRequestReader {
    enum Outcome {
        case incomplete
        case malformed(String)
        case request(RecordingUpstream.Received, consumed: Int)
    }

    static let crlf: [UInt8] = [13, 10]

    static func read(_ bytes: [UInt8]) -> Outcome {
        guard let headEnd = find([13, 10, 13, 10], in: bytes, from: 0) else {
            // A head never takes this long from the gateway; but keep waiting for more.
            return .incomplete
        }
        let headText = String(decoding: bytes[..<headEnd], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst()
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix(" "), !line.hasPrefix("\t") else {
                return .malformed("header line without a colon or folded")
            }
            let name = String(line[..<colon])
            if name.contains(" ") || name.contains("\t") || name.isEmpty { return .malformed("bad header name") }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            headers.append((name, value))
        }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return .malformed("bad request line") }
        var position = headEnd + 4
        let codings = headers.filter { $0.name.lowercased() == "transfer-encoding" }.map { $0.value.lowercased() }
        let lengths = headers.filter { $0.name.lowercased() == "content-length" }.map(\.value)
        if !codings.isEmpty {
            guard lengths.isEmpty else { return .malformed("both Content-Length and Transfer-Encoding") }
            guard codings == ["chunked"] else { return .malformed("Transfer-Encoding \(codings)") }
            var body: [UInt8] = []
            var extensions: [String] = []
            while true {
                guard let lineEnd = find(crlf, in: bytes, from: position) else { return .incomplete }
                let sizeLine = String(decoding: bytes[position..<lineEnd], as: UTF8.self)
                var sizeText = Substring(sizeLine)
                if let semicolon = sizeLine.firstIndex(of: ";") {
                    extensions.append(String(sizeLine[semicolon...]))
                    sizeText = sizeLine[..<semicolon]
                }
                guard !sizeText.isEmpty, sizeText.allSatisfy(\.isHexDigit), sizeText.count <= 15, let size = Int(sizeText, radix: 16)
                else { return .malformed("bad chunk size \(sizeLine.debugDescription)") }
                position = lineEnd + 2
                if size == 0 {
                    var trailers: [(name: String, value: String)] = []
                    while true {
                        guard let end = find(crlf, in: bytes, from: position) else { return .incomplete }
                        let line = String(decoding: bytes[position..<end], as: UTF8.self)
                        position = end + 2
                        if line.isEmpty { break }
                        guard let colon = line.firstIndex(of: ":") else { return .malformed("bad trailer") }
                        trailers.append(
                            (
                                String(line[..<colon]),
                                line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
                            ))
                    }
                    let request = RecordingUpstream.Received(
                        requestLine: requestLine, headers: headers, framing: .chunked, body: body, trailers: trailers,
                        chunkExtensions: extensions)
                    return .request(request, consumed: position)
                }
                guard bytes.count >= position + size + 2 else { return .incomplete }
                body.append(contentsOf: bytes[position..<(position + size)])
                guard bytes[position + size] == 13, bytes[position + size + 1] == 10 else { return .malformed("chunk without CRLF") }
                position += size + 2
            }
        }
        if let length = lengths.first {
            guard lengths.count == 1, !length.isEmpty, length.allSatisfy(\.isASCII), length.allSatisfy(\.isNumber), let size = Int(length)
            else { return .malformed("bad Content-Length \(lengths)") }
            guard bytes.count >= position + size else { return .incomplete }
            let body = Array(bytes[position..<(position + size)])
            let request = RecordingUpstream.Received(
                requestLine: requestLine, headers: headers, framing: .length(size), body: body, trailers: [], chunkExtensions: [])
            return .request(request, consumed: position + size)
        }
        let request = RecordingUpstream.Received(
            requestLine: requestLine, headers: headers, framing: .none, body: [], trailers: [], chunkExtensions: [])
        return .request(request, consumed: position)
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0], Array(bytes[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}
