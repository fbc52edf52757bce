import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// An HTTP client that shows redirects instead of following them, as a browser's network log would.
struct NoRedirectClient: Sendable {
    struct Answer {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: Data
    }

    let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    func get(_ url: String, headers: HTTPHeaders = [:]) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.headers = headers
        return try await execute(request)
    }

    func post(_ url: String, form: String, headers: HTTPHeaders = [:]) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: form))
        return try await execute(request)
    }

    private func execute(_ request: HTTPClientRequest) async throws -> Answer {
        let response = try await http.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1024 * 1024)
        return Answer(status: response.status, headers: response.headers, body: Data(body.readableBytesView))
    }
}
