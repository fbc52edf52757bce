public import XMLSecurity

/// A message received over the HTTP-Redirect binding, decoded from the raw query string.
public struct RedirectMessage: Sendable {
    /// Which parameter carried it.
    public var parameter: HTTPRedirectBinding.Parameter
    /// The inflated XML.
    public var xml: [UInt8]
    /// RelayState, decoded.
    public var relayState: String?
    /// SigAlg, decoded, if the message is signed.
    public var signatureAlgorithmURI: String?
    /// The decoded Signature bytes.
    public var signature: [UInt8]?
    /// What the signature covers: the parameters exactly as received (§3.4.4.1).
    public var signedBytes: [UInt8]

    /// Decodes `query` (no leading `?`). Inflated output is capped at `maxSize`.
    public init(query: String, maxSize: Int = 1 << 20) throws(SAMLValidationError) {
        var raw: [String: Substring] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard raw[name] == nil else {
                throw SAMLValidationError(code: .malformed, detail: "query parameter \(name) appears twice")
            }
            raw[name] = parts.count == 2 ? parts[1] : ""
        }
        let parameter: HTTPRedirectBinding.Parameter
        switch (raw["SAMLRequest"], raw["SAMLResponse"]) {
        case (_?, nil): parameter = .request
        case (nil, _?): parameter = .response
        default: throw SAMLValidationError(code: .malformed, detail: "expected exactly one of SAMLRequest and SAMLResponse")
        }
        guard let encoded = raw[parameter.rawValue].flatMap(URLQuery.percentDecode), let deflated = Base64Text.decode(encoded) else {
            throw SAMLValidationError(code: .malformed, detail: "\(parameter.rawValue) is not URL-encoded base64")
        }
        guard let xml = HTTPRedirectBinding.inflate(deflated, maxSize: maxSize), !xml.isEmpty else {
            throw SAMLValidationError(code: .malformed, detail: "\(parameter.rawValue) does not inflate (or exceeds \(maxSize) bytes)")
        }
        self.parameter = parameter
        self.xml = xml
        relayState = raw["RelayState"].flatMap(URLQuery.percentDecode)
        signatureAlgorithmURI = raw["SigAlg"].flatMap(URLQuery.percentDecode)
        if let value = raw["Signature"] {
            guard let decoded = URLQuery.percentDecode(value).flatMap(Base64Text.decode) else {
                throw SAMLValidationError(code: .signatureInvalid, detail: "Signature is not URL-encoded base64")
            }
            signature = decoded
        }
        var covered = parameter.rawValue + "=" + raw[parameter.rawValue, default: ""]
        if let relay = raw["RelayState"] { covered += "&RelayState=" + relay }
        if let sigAlg = raw["SigAlg"] { covered += "&SigAlg=" + sigAlg }
        signedBytes = Array(covered.utf8)
    }

    /// Verifies the detached signature with the IdP's keys; throws if absent or invalid.
    public func verifySignature(trustedKeys: [TrustedKey], options: VerificationOptions = VerificationOptions(), issuer: String? = nil)
        throws(SAMLValidationError)
    {
        guard let signature, let uri = signatureAlgorithmURI else {
            throw SAMLValidationError(code: .signatureMissing, detail: "the redirect message carries no Signature/SigAlg", issuer: issuer)
        }
        guard let algorithm = SignatureAlgorithm(rawValue: uri) else {
            throw SAMLValidationError(code: .weakAlgorithm, detail: "SigAlg \(uri) is not allowed", issuer: issuer)
        }
        do {
            _ = try SignatureVerifier.verifyDetached(
                signedBytes, signature: signature, algorithm: algorithm, trustedKeys: trustedKeys, options: options)
        } catch {
            throw SAMLValidationError(error, issuer: issuer)
        }
    }
}
