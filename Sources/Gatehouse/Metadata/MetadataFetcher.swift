import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One conditional GET of a metadata URL.
struct MetadataFetcher: Sendable {
    /// What the server answered.
    enum Answer: Sendable {
        /// 304: the copy we hold is current.
        case notModified
        /// 200 with the document and its validators for the next conditional GET.
        case document(bytes: [UInt8], etag: String?, lastModified: String?)
    }

    /// The largest document accepted: the size limit metadata is parsed with.
    static let maxBytes = 128 << 20

    let client: HTTPClient

    /// GETs `url` (a body over `maxBytes` fails it), sending `If-None-Match`/`If-Modified-Since` when the last answer gave validators.
    func fetch(_ url: String, etag: String?, lastModified: String?, timeout: Duration, maxBytes: Int = Self.maxBytes)
        async throws(MetadataRefreshError) -> Answer
    {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/samlmetadata+xml, application/xml;q=0.9")
        if let etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let lastModified { request.headers.add(name: "If-Modified-Since", value: lastModified) }
        let seconds = Int64(timeout.components.seconds)
        do {
            let response = try await client.execute(request, timeout: .seconds(max(seconds, 1)))
            switch response.status {
            case .notModified:
                return .notModified
            case .ok:
                let body = try await response.body.collect(upTo: maxBytes)
                return .document(
                    bytes: Array(buffer: body), etag: response.headers.first(name: "ETag"),
                    lastModified: response.headers.first(name: "Last-Modified"))
            case .notFound:
                throw MetadataRefreshError(.notFound, "the server answered 404")
            default:
                throw MetadataRefreshError(.httpStatus, "the server answered \(response.status.code)")
            }
        } catch let error as MetadataRefreshError {
            throw error
        } catch {
            throw MetadataRefreshError(.unreachable, "\(error)")
        }
    }
}
