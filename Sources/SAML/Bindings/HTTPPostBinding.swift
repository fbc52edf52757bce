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

    /// A minimal auto-submitting HTML form that posts `value` as `parameter` to `action`.
    public static func form(action: String, parameter: HTTPRedirectBinding.Parameter, value: String, relayState: String? = nil) -> String {
        var fields = "<input type=\"hidden\" name=\"\(parameter.rawValue)\" value=\"\(value.xmlEscaped)\"/>"
        if let relayState { fields += "<input type=\"hidden\" name=\"RelayState\" value=\"\(relayState.xmlEscaped)\"/>" }
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>Signing in…</title></head>
            <body onload="document.forms[0].submit()">
            <form method="post" action="\(action.xmlEscaped)">\(fields)<noscript><button type="submit">Continue</button></noscript></form>
            </body></html>
            """
    }
}
