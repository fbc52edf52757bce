import AsyncHTTPClient
import Foundation
import Gatehouse
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// A 1 GiB upload and download through the proxy must not be held in memory.
@Suite(.serialized) struct StreamingTests {
    static let size: Int64 = 1 << 30

    /// A /proc/self/status field in bytes (VmRSS, VmHWM).
    static func statusBytes(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") })
        else { return 0 }
        return (Int(line.split(separator: " ")[1]) ?? 0) * 1024
    }

    /// The peak resident memory while `work` runs: Linux resets VmHWM when "5" is written to
    /// /proc/self/clear_refs, so no sampling loop is needed.
    static func peakResident(during work: () async throws -> Void) async throws -> Int {
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        try await work()
        return statusBytes("VmHWM")
    }

    @Test func gigabyteUploadAndDownloadKeepMemoryFlat() async throws {
        try await GatewayHarness.run { harness in
            let port = try #require(harness.client.port)
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let baseline = Self.statusBytes("VmRSS")
            let peak = try await Self.peakResident {
                var upload = HTTPClientRequest(url: "http://127.0.0.1:\(port)/public/upload")
                upload.method = .POST
                let chunk = ByteBuffer(repeating: 0x62, count: 256 * 1024)
                let chunks = Int(Self.size) / chunk.readableBytes
                upload.body = .stream(ChunkSequence(chunk: chunk, count: chunks), length: .known(Self.size))
                let uploaded = try await client.execute(upload, timeout: .minutes(10))
                let echo = try await uploaded.body.collect(upTo: 1 << 20)
                let decoded = try JSONDecoder().decode(EchoUpstream.Echo.self, from: Data(echo.readableBytesView))
                #expect(decoded.bodyBytes == Int(Self.size))

                let download = HTTPClientRequest(url: "http://127.0.0.1:\(port)/public/download/\(Self.size)")
                let downloaded = try await client.execute(download, timeout: .minutes(10))
                var received: Int64 = 0
                for try await part in downloaded.body { received += Int64(part.readableBytes) }
                #expect(received == Self.size)
            }
            try await client.shutdown()
            #expect(peak - baseline < 100 * 1024 * 1024, "resident memory grew by \((peak - baseline) >> 20) MiB")
        }
    }
}

/// `count` copies of one buffer, as an async sequence, so the upload is generated lazily.
struct ChunkSequence: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let chunk: ByteBuffer
    let count: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let chunk: ByteBuffer
        var left: Int
        mutating func next() async -> ByteBuffer? {
            guard left > 0 else { return nil }
            left -= 1
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunk: chunk, left: count) }
}
