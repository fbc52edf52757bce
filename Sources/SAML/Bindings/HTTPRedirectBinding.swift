import CompressNIO
import NIOCore
public import XMLSecurity

/// The HTTP-Redirect binding (Bindings §3.4): raw DEFLATE, base64, URL encoding, and an
/// optional signature over the exact query string.
public enum HTTPRedirectBinding {
    /// Which query parameter carries the message.
    public enum Parameter: String, Sendable {
        /// `SAMLRequest`
        case request = "SAMLRequest"
        /// `SAMLResponse`
        case response = "SAMLResponse"
    }

    /// The query string (no leading `?`) carrying `xml`. With a key, `SigAlg` and `Signature`
    /// are appended; the signature covers `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as
    /// sent (§3.4.4.1).
    public static func encode(
        _ xml: String, parameter: Parameter = .request, relayState: String? = nil,
        signingKey: SigningKey? = nil, algorithm: SignatureAlgorithm = .rsaSHA256
    ) throws(XMLSecurityError) -> String {
        let deflated = try deflate(Array(xml.utf8))
        var query = parameter.rawValue + "=" + URLQuery.percentEncode(Base64Text.encode(deflated))
        if let relayState { query += "&RelayState=" + URLQuery.percentEncode(relayState) }
        guard let signingKey else { return query }
        query += "&SigAlg=" + URLQuery.percentEncode(algorithm.rawValue)
        let signature = try Signer.signDetached(Array(query.utf8), key: signingKey, algorithm: algorithm)
        return query + "&Signature=" + URLQuery.percentEncode(Base64Text.encode(signature))
    }

    /// The URL to redirect the browser to: `endpoint` plus the encoded query.
    public static func url(
        endpoint: String, _ xml: String, parameter: Parameter = .request, relayState: String? = nil,
        signingKey: SigningKey? = nil, algorithm: SignatureAlgorithm = .rsaSHA256
    ) throws(XMLSecurityError) -> String {
        let query = try encode(xml, parameter: parameter, relayState: relayState, signingKey: signingKey, algorithm: algorithm)
        return endpoint + (endpoint.contains("?") ? "&" : "?") + query
    }

    /// Raw DEFLATE (RFC 1951, no zlib header), as the binding requires.
    static func deflate(_ bytes: [UInt8]) throws(XMLSecurityError) -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        do {
            var output = try buffer.compress(with: .deflate())
            return output.readBytes(length: output.readableBytes) ?? []
        } catch {
            throw XMLSecurityError(code: .libraryFailure, detail: "DEFLATE failed: \(error)")
        }
    }

    /// Inflates raw DEFLATE, refusing output larger than `maxSize` (a DEFLATE bomb).
    static func inflate(_ bytes: [UInt8], maxSize: Int) -> [UInt8]? {
        var buffer = ByteBuffer(bytes: bytes)
        guard var output = try? buffer.decompress(with: .deflate(), maxSize: maxSize) else { return nil }
        return output.readBytes(length: output.readableBytes)
    }
}
