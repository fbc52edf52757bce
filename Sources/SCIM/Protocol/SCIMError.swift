/// Why a SCIM request was refused: a code that fixes the HTTP status and the RFC 7644 §3.12
/// `scimType`, and a detail fit for the client and the log.
public struct SCIMError: Error, Sendable, CustomStringConvertible {
    /// The failure. Raw values are stable; the first ten are exactly RFC 7644 §3.12's `scimType` keywords.
    public enum Code: String, Sendable, CaseIterable {
        /// The filter syntax was invalid, or the attribute and comparison cannot be combined (400).
        case invalidFilter
        /// The filter yields more results than the server will return (400).
        case tooMany
        /// A unique attribute value is already in use (409).
        case uniqueness
        /// The change would modify a readOnly or immutable attribute (400).
        case mutability
        /// The request body is not valid JSON or not a valid SCIM message (400).
        case invalidSyntax
        /// The `path` is not a valid attribute path (400).
        case invalidPath
        /// The `path` names nothing that can be operated on, or a filter matches nothing (400).
        case noTarget
        /// A required value is missing or a value has the wrong type (400).
        case invalidValue
        /// The protocol version is not supported (400).
        case invalidVers
        /// Sensitive information was sent in the request URI (403).
        case sensitive
        /// The resource does not exist (404).
        case notFound
        /// `If-Match` names a version other than the current one (412).
        case preconditionFailed
        /// The request body is larger than the server accepts (413).
        case payloadTooLarge
        /// The operation is not implemented, such as bulk or password change (501).
        case notImplemented

        /// The HTTP status code this failure is answered with.
        public var status: Int {
            switch self {
            case .invalidFilter, .tooMany, .mutability, .invalidSyntax, .invalidPath, .noTarget, .invalidValue, .invalidVers: 400
            case .uniqueness: 409
            case .sensitive: 403
            case .notFound: 404
            case .preconditionFailed: 412
            case .payloadTooLarge: 413
            case .notImplemented: 501
            }
        }

        /// The `scimType` keyword of the error document, for the codes that have one.
        public var scimType: String? {
            switch self {
            case .invalidFilter, .tooMany, .uniqueness, .mutability, .invalidSyntax, .invalidPath, .noTarget, .invalidValue,
                .invalidVers, .sensitive:
                rawValue
            case .notFound, .preconditionFailed, .payloadTooLarge, .notImplemented:
                nil
            }
        }
    }

    /// The failure.
    public var code: Code
    /// What exactly was wrong, naming the attribute or position. Never a secret value.
    public var detail: String

    /// An error of `code` with `detail`.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }

    /// The RFC 7644 §3.12 error document: `status` is a string, `scimType` only where defined.
    public var document: SCIMValue {
        var object = SCIMObject()
        object["schemas"] = .array([.string(SCIMSchemaURN.error)])
        object["status"] = .string(String(code.status))
        if let scimType = code.scimType { object["scimType"] = .string(scimType) }
        object["detail"] = .string(detail)
        return .object(object)
    }
}
