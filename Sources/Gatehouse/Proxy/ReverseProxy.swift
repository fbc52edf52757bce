import AsyncHTTPClient
public import Hummingbird
import HTTPTypes
public import Logging
import NIOCore
import NIOHTTP1

/// Forwards requests to the upstreams with AsyncHTTPClient, streaming bodies both ways.
///
/// Neither body is collected: request chunks go out as they arrive and response chunks are
/// written back as the upstream sends them, with backpressure, so memory stays flat for any
/// body size. Redirects and compression pass through untouched.
public final class ReverseProxy: Sendable {
    private let upstreams: [UpstreamSettings]
    private let clients: [HTTPClient]
    /// The plain-HTTP upstreams as the event-loop route connects to them (nil: HTTPS and
    /// other URLs, which only AsyncHTTPClient serves).
    private let endpoints: [UpstreamEndpoint?]
    /// Keep-alive connections of the event-loop route.
    let pool = UpstreamConnectionPool()

    /// A proxy with one connection pool per upstream (each has its own timeouts).
    public init(upstreams: [UpstreamSettings]) {
        self.upstreams = upstreams
        self.endpoints = upstreams.map(UpstreamEndpoint.init)
        self.clients = upstreams.map { upstream in
            var configuration = HTTPClient.Configuration(
                redirectConfiguration: .disallow,
                timeout: .init(
                    connect: .seconds(Int64(upstream.connectTimeout.seconds)),
                    read: .seconds(Int64(upstream.readTimeout.seconds))
                ),
                decompression: .disabled
            )
            configuration.httpVersion = .http1Only
            return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }
    }

    /// Closes every upstream connection. Call once, when the server has stopped.
    public func shutdown() async {
        pool.shutdown()
        for client in clients {
            try? await client.shutdown()
        }
    }

    /// The event-loop route's endpoint for upstream number `index`, nil when it has none.
    func endpoint(_ index: Int) -> UpstreamEndpoint? {
        endpoints.indices.contains(index) ? endpoints[index] : nil
    }

    /// Sends `request` to `target` with `headers` (already sanitized, hop-by-hop headers
    /// removed, identity and forwarding headers set) and returns the upstream's response with its body still streaming.
    public func forward(
        _ request: Request,
        to target: UpstreamTarget,
        headers: HTTPFields,
        logger: Logger
    ) async throws(ProxyFailure) -> Response {
        let upstream = upstreams[target.index]
        var outbound = HTTPClientRequest(url: target.url)
        outbound.method = HTTPMethod(rawValue: request.method.rawValue)
        let length = request.headers[.contentLength].flatMap { Int64($0) }
        let chunked = request.headers[values: .transferEncoding].contains { $0.lowercased().contains("chunked") }
        // `headers` come from Gateway.upstreamHeaders, which has removed hop-by-hop headers
        // already; Content-Length is set below from the body actually sent.
        for field in headers where field.name != .contentLength {
            outbound.headers.add(name: field.name.rawName, value: field.value)
        }
        if let length, length > 0 {
            outbound.body = .stream(request.body, length: .known(length))
        } else if chunked {
            outbound.body = .stream(request.body, length: .unknown)
        } else if length == 0 {
            outbound.headers.add(name: "Content-Length", value: "0")
        }
        let response: HTTPClientResponse
        do {
            // The read timeout bounds silences; this deadline only stops a request that
            // trickles forever. It ends once the response head arrives.
            response = try await clients[target.index].execute(outbound, timeout: .hours(24), logger: logger)
        } catch let error as HTTPClientError
            where error == .connectTimeout || error == .readTimeout || error == .deadlineExceeded
        {
            throw .timeout(upstream: upstream.url)
        } catch {
            throw .unreachable(upstream: upstream.url, reason: "\(error)")
        }
        var fields = HTTPFields()
        for header in response.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            fields.append(HTTPField(name: name, value: header.value))
        }
        fields = HopByHopHeaders.remove(from: fields)
        let contentLength = fields[.contentLength].flatMap { Int($0) }
        let body = response.body
        return Response(
            status: .init(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase),
            headers: fields,
            body: ResponseBody(contentLength: contentLength) { writer in
                try await writer.write(body)
                try await writer.finish(nil)
            }
        )
    }
}
