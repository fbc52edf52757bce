import Foundation
import Gatehouse
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Testing

/// `https://` upstreams go through the same pool and exchange as plain ones, with the
/// certificate verified (against `ca_file` here: a certificate made for this test).
@Suite struct TLSUpstreamTests {
    /// A self-signed certificate for 127.0.0.1, made with the openssl command line.
    static func makeCertificate(in directory: URL) throws -> (key: String, certificate: String) {
        let key = directory.appendingPathComponent("key.pem").path
        let certificate = directory.appendingPathComponent("cert.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return (key, certificate)
    }

    final class Answer: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let body = ByteBuffer(string: "secure")
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["Content-Length": "6"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    @Test func httpsUpstreamIsForwardedByTheSameExchange() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (key, certificate) = try Self.makeCertificate(in: directory)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        let context = try NIOSSLContext(configuration: configuration)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Answer())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        try await GatewayHarness.run(configure: { config in
            var trusted = UpstreamSettings(url: "https://127.0.0.1:\(port)", prefix: "/public/trusted")
            trusted.caFile = certificate
            config.upstreams = [trusted, UpstreamSettings(url: "https://127.0.0.1:\(port)", prefix: "/public/untrusted")]
        }) { harness in
            let response = try await harness.client.execute(uri: "/public/trusted/x", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "secure")
            #expect(EventLoopProxyTests.forwards(harness) == 1)
            // Not signed by a trusted authority: never forwarded.
            let untrusted = try await harness.client.execute(uri: "/public/untrusted/x", method: .get)
            #expect(untrusted.status == .badGateway)
        }
        try await server.close()
    }
}
