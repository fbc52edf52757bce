/// A signed SAML message ready to leave, in the form its binding needs.
public enum OutboundMessage: Sendable, Equatable {
    /// HTTP-Redirect: answer with a 302 to this URL (query signed, Bindings §3.4.4.1).
    case redirect(url: String)
    /// HTTP-POST: answer with this auto-submitting form (enveloped signature, Bindings §3.5).
    case post(PostForm)
    /// SOAP: answer the back-channel POST with this envelope (``SOAPBinding/contentType``, 200).
    case soap(envelope: [UInt8])
}
