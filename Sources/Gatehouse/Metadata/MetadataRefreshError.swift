/// Why a fetch of a metadata source was not taken; the last good copy stays in use.
public struct MetadataRefreshError: Error, Sendable, CustomStringConvertible {
    /// The check that failed. Raw values are stable: the refresh metric's `outcome` label uses them.
    public enum Code: String, Sendable, CaseIterable {
        /// The server could not be reached or the connection failed.
        case unreachable
        /// The server answered 404: it has no such document (for MDQ: no such entity).
        case notFound = "not_found"
        /// The server answered with a status other than 200, 304 or 404.
        case httpStatus = "http_status"
        /// The document is not metadata, or one of its IdPs cannot be used.
        case malformed
        /// The root signature is missing or does not verify with the configured certificate.
        case signatureInvalid = "signature_invalid"
        /// The document's `validUntil` is in the past.
        case expired
        /// The verified copy could not be written to the cache file.
        case cacheWriteFailed = "cache_write_failed"
    }

    /// The check that failed.
    public var code: Code
    /// What was seen, for the log line.
    public var detail: String

    /// An error of `code` with `detail`.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
