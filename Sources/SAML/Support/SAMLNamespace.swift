/// SAML 2.0 namespace URIs and well-known constants.
public enum SAMLNamespace {
    /// `urn:oasis:names:tc:SAML:2.0:assertion`
    public static let assertion = "urn:oasis:names:tc:SAML:2.0:assertion"
    /// `urn:oasis:names:tc:SAML:2.0:protocol`
    public static let samlp = "urn:oasis:names:tc:SAML:2.0:protocol"
    /// `urn:oasis:names:tc:SAML:2.0:metadata`
    public static let metadata = "urn:oasis:names:tc:SAML:2.0:metadata"
    /// `http://www.w3.org/2000/09/xmldsig#`
    /// Metadata UI extensions (`mdui:DisplayName`, `mdui:DomainHint`).
    public static let mdui = "urn:oasis:names:tc:SAML:metadata:ui"
    /// Shibboleth metadata extensions (`shibmd:Scope`).
    public static let shibmd = "urn:mace:shibboleth:metadata:1.0"
    /// `http://www.w3.org/2000/09/xmldsig#`
    public static let xmldsig = "http://www.w3.org/2000/09/xmldsig#"
    /// The Success status code.
    public static let statusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success"
    /// Top-level status: the request was wrong (Core §3.2.2.2).
    public static let statusRequester = "urn:oasis:names:tc:SAML:2.0:status:Requester"
    /// Top-level status: the responder could not carry the request out.
    public static let statusResponder = "urn:oasis:names:tc:SAML:2.0:status:Responder"
    /// Top-level status: the SAML version is not supported.
    public static let statusVersionMismatch = "urn:oasis:names:tc:SAML:2.0:status:VersionMismatch"
    /// Second-level status: logout did not reach every session participant.
    public static let statusPartialLogout = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout"
    /// The bearer subject-confirmation method (Profiles §4.1.4.2).
    public static let bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
}

/// SAML binding URIs (Bindings §3).
public enum SAMLBinding {
    /// HTTP-Redirect.
    public static let httpRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    /// HTTP-POST.
    public static let httpPOST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    /// SOAP (Bindings §3.2): the back channel of Single Logout.
    public static let soap = "urn:oasis:names:tc:SAML:2.0:bindings:SOAP"
    /// HTTP-Artifact (listed in metadata; Gatehouse does not use it).
    public static let httpArtifact = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"
}

/// NameID format URIs (Core §8.3).
public enum NameIDFormat {
    /// `urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress`
    public static let emailAddress = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    /// `urn:oasis:names:tc:SAML:2.0:nameid-format:persistent`
    public static let persistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    /// `urn:oasis:names:tc:SAML:2.0:nameid-format:transient`
    public static let transient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
    /// `urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified`
    public static let unspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
}
