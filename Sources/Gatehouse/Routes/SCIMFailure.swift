import HTTPTypes
import Hummingbird
import NIOCore
import SCIM

/// A refused SCIM request as it is answered: the status and an RFC 7644 §3.12 error document.
///
/// Most come from a ``SCIMError`` of the protocol module; the rest are failures that module
/// has no code for (authentication, media type, storage).
struct SCIMFailure: Error, CustomStringConvertible {
    /// The HTTP status.
    var status: Int
    /// The `scimType` keyword, where RFC 7644 defines one.
    var scimType: String?
    /// What was wrong, for the client and the log.
    var detail: String
    /// More response headers (`WWW-Authenticate` on 401).
    var headers: HTTPFields = [:]

    var description: String { "\(status) \(scimType ?? "-"): \(detail)" }

    init(status: Int, scimType: String? = nil, detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
        self.headers = headers
    }

    init(_ error: SCIMError) {
        self.init(status: error.code.status, scimType: error.code.scimType, detail: error.detail)
    }

    /// A store failure as the client sees it. A revision that moved under the writer is 412
    /// when the client asked for a version with `If-Match`, otherwise a 409 it may retry.
    init(_ error: ProvisioningStoreError, ifMatch: Bool) {
        switch error {
        case .uniqueness(let kind, let name):
            let attribute = kind == .user ? "userName" : "displayName"
            self.init(SCIMError(.uniqueness, "a \(kind.rawValue) with \(attribute) \"\(name.prefix(200))\" exists already"))
        case .conflict(let kind, let id):
            self.init(status: 409, detail: "a \(kind.rawValue) with id \(id) exists already")
        case .notFound(let kind, let id):
            self.init(SCIMError(.notFound, "no \(kind.rawValue) with id \(id.prefix(200))"))
        case .revisionMismatch(let kind, let id, _):
            if ifMatch {
                self.init(SCIMError(.preconditionFailed, "the \(kind.rawValue) \(id) changed since the version given in If-Match"))
            } else {
                self.init(status: 409, detail: "the \(kind.rawValue) \(id) changed while this request ran; read it again and retry")
            }
        case .storage:
            self.init(status: 500, detail: "the provisioning store failed; try again later")
        }
    }

    /// Missing or wrong credentials (RFC 6750 §3).
    static func unauthorized(_ detail: String) -> SCIMFailure {
        SCIMFailure(status: 401, detail: detail, headers: [.wwwAuthenticate: "Bearer realm=\"scim\""])
    }

    /// The error document.
    var document: SCIMValue {
        var object = SCIMObject()
        object["schemas"] = .array([.string(SCIMSchemaURN.error)])
        object["status"] = .string(String(status))
        if let scimType { object["scimType"] = .string(scimType) }
        object["detail"] = .string(detail)
        return .object(object)
    }

    /// The response.
    var response: Response {
        Gateway.scimResponse(.init(code: status), document, headers: headers)
    }
}

extension Gateway {
    /// The SCIM media type (RFC 7644 §3.1).
    static let scimMediaType = "application/scim+json"

    /// A response carrying `value` as `application/scim+json`.
    static func scimResponse(_ status: HTTPResponse.Status, _ value: SCIMValue?, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        guard let value else { return Response(status: status, headers: headers) }
        headers[.contentType] = scimMediaType
        let bytes = value.jsonBytes
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
