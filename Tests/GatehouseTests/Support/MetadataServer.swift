import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// A metadata publisher for tests: serves one document at every path with an ETag and
/// answers a matching `If-None-Match` with 304, or fails with a chosen status.
final class MetadataServer: Sendable {
    struct Published {
        var document: [UInt8] = []
        var etag = "\"v0\""
        var status: HTTPResponse.Status = .ok
        /// How long each answer is held back (a slow service).
        var delay: Duration = .zero
        /// The `If-None-Match` of every request, in order (nil when absent).
        var conditions: [String?] = []
        /// The raw target of every request, in order.
        var targets: [String] = []
    }

    let state = Mutex(Published())

    /// Publishes `document` under `etag`.
    func publish(_ document: [UInt8], etag: String) {
        state.withLock {
            $0.document = document
            $0.etag = etag
            $0.status = .ok
        }
    }

    func fail(with status: HTTPResponse.Status) { state.withLock { $0.status = status } }

    /// Holds every answer back by `delay`.
    func delay(by delay: Duration) { state.withLock { $0.delay = delay } }

    var conditions: [String?] { state.withLock { $0.conditions } }

    /// The raw request targets, in order.
    var targets: [String] { state.withLock { $0.targets } }

    func makeApplication() -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: Publisher(server: self))
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// Answers every path with the published document (an MDQ service answers many).
    struct Publisher: RouterMiddleware {
        typealias Context = BasicRequestContext
        let server: MetadataServer

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            let condition = request.headers[.ifNoneMatch]
            let published = server.state.withLock { state in
                state.conditions.append(condition)
                state.targets.append(request.head.path ?? "")
                return state
            }
            if published.delay > .zero { try await Task.sleep(for: published.delay) }
            guard published.status == .ok else { return Response(status: published.status) }
            if condition == published.etag { return Response(status: .notModified, headers: [.eTag: published.etag]) }
            return Response(
                status: .ok, headers: [.contentType: "application/samlmetadata+xml", .eTag: published.etag],
                body: .init(byteBuffer: ByteBuffer(bytes: published.document)))
        }
    }
}
