public import XMLSecurity

/// The HTTP-POST binding (Bindings §3.5): base64 of the (enveloped-signed) XML in a form.
public enum HTTPPostBinding {
    /// The form value: base64 of `xml`, signed first when a key is given (the root needs an ID).
    public static func encode(
        _ xml: String, signingKey: SigningKey? = nil, algorithm: SignatureAlgorithm = .rsaSHA256, digest: DigestAlgorithm = .sha256
    ) throws(XMLSecurityError) -> String {
        var bytes = Array(xml.utf8)
        if let signingKey {
            bytes = try Signer.signEnveloped(bytes, key: signingKey, algorithm: algorithm, digest: digest)
        }
        return Base64Text.encode(bytes)
    }

    /// The fields of an `application/x-www-form-urlencoded` body, as the ACS receives the
    /// binding: `+` is a space, `%XX` a byte; the first occurrence of a name wins; a value with a
    /// broken escape or invalid UTF-8 reads as empty.
    ///
    /// Byte-wise: Foundation's `replacingOccurrences` + `removingPercentEncoding` on a posted
    /// response (~11 KB) cost about 2 ms, half of an accepted login's CPU.
    public static func formFields(_ body: String) -> [String: String] {
        var form: [String: String] = [:]
        let bytes = Array(body.utf8)
        for pair in bytes.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = URLQuery.percentDecode(bytes: parts[0]) ?? ""
            if form[name] == nil { form[name] = parts.count > 1 ? URLQuery.percentDecode(bytes: parts[1]) ?? "" : "" }
        }
        return form
    }

    /// A minimal auto-submitting HTML form that posts `value` as `parameter` to `action`.
    public static func form(
        action: String, parameter: HTTPRedirectBinding.Parameter, value: String, relayState: String? = nil, title: String = "Signing in…"
    ) -> String {
        var fields = "<input type=\"hidden\" name=\"\(parameter.rawValue)\" value=\"\(value.xmlEscaped)\"/>"
        if let relayState { fields += "<input type=\"hidden\" name=\"RelayState\" value=\"\(relayState.xmlEscaped)\"/>" }
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(title.xmlEscaped)</title></head>
            <body onload="document.forms[0].submit()">
            <form method="post" action="\(action.xmlEscaped)">\(fields)<noscript><button type="submit">Continue</button></noscript></form>
            </body></html>
            """
    }
}
