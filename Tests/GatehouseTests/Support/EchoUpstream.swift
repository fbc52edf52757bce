import Foundation
import Hummingbird
import HummingbirdTesting

/// A tiny upstream for tests: echoes the request it received as JSON.
enum EchoUpstream {
    struct Echo: Codable {
        var method: String
        var uri: String
        var headers: [[String]]
        var bodyBytes: Int

        /// Values of the headers whose name equals `name` ignoring case and `-`/`_`.
        func values(_ name: String) -> [String] {
            let wanted = Self.normalize(name)
            return headers.filter { Self.normalize($0[0]) == wanted }.map { $0[1] }
        }

        static func normalize(_ name: String) -> String { name.lowercased().replacingOccurrences(of: "_", with: "-") }
    }

    static func makeApplication() -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: EchoMiddleware())
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// `size` bytes of `a`, generated as they are written.
    static func download(size: Int) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/octet-stream"],
            body: ResponseBody(contentLength: size) { writer in
                let chunk = ByteBuffer(repeating: 0x61, count: 64 * 1024)
                var left = size
                while left > 0 {
                    let slice = chunk.getSlice(at: 0, length: min(left, chunk.readableBytes))!
                    try await writer.write(slice)
                    left -= slice.readableBytes
                }
                try await writer.finish(nil)
            })
    }

    struct EchoMiddleware: RouterMiddleware {
        typealias Context = BasicRequestContext
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            if request.uri.path.contains("/download/") {
                return EchoUpstream.download(size: Int(request.uri.path.split(separator: "/").last ?? "") ?? 0)
            }
            var count = 0
            for try await chunk in request.body { count += chunk.readableBytes }
            var headers = request.headers.map { [$0.name.rawName, $0.value] }
            if let authority = request.head.authority { headers.append(["Host", authority]) }
            let echo = Echo(method: request.method.rawValue, uri: request.uri.description, headers: headers, bodyBytes: count)
            let data = try JSONEncoder().encode(echo)
            var status = HTTPResponse.Status.ok
            if request.uri.path.hasSuffix("/redirect") { status = .found }
            return Response(
                status: status, headers: [.contentType: "application/json", .location: "/elsewhere"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
