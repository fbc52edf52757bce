/// Builds the `Set-Cookie` values Gatehouse sends. Pure, so every attribute is testable.
public struct CookieFactory: Sendable {
    /// Cookie name, `Secure` flag and domain.
    public var settings: CookieSettings
    /// The pending-login cookie's path: the SP endpoints' prefix.
    public var routePrefix: String

    /// A factory for these settings.
    public init(settings: CookieSettings, routePrefix: String) {
        self.settings = settings
        self.routePrefix = routePrefix
    }

    /// The session cookie: `HttpOnly`, `SameSite=Lax`, `Secure` unless disabled; no
    /// `Max-Age`, so it ends with the browser while the store enforces the timeouts.
    public func session(_ id: String) -> String {
        attributes("\(settings.name)=\(id)", path: "/", sameSite: "Lax", secure: settings.secure)
    }

    /// Deletes the session cookie.
    public func clearSession() -> String {
        attributes("\(settings.name)=", path: "/", sameSite: "Lax", secure: settings.secure) + "; Max-Age=0"
    }

    /// The pending-login cookie. `SameSite=None; Secure` because the IdP's POST to the ACS is
    /// a cross-site request; scoped to the SP endpoints and short-lived.
    public func pendingLogin(_ value: String, maxAge: Int) -> String {
        attributes("\(settings.pendingLoginName)=\(value)", path: routePrefix, sameSite: "None", secure: true)
            + "; Max-Age=\(maxAge)"
    }

    /// Deletes the pending-login cookie.
    public func clearPendingLogin() -> String {
        attributes("\(settings.pendingLoginName)=", path: routePrefix, sameSite: "None", secure: true) + "; Max-Age=0"
    }

    private func attributes(_ pair: String, path: String, sameSite: String, secure: Bool) -> String {
        var parts = [pair, "Path=\(path)", "HttpOnly", "SameSite=\(sameSite)"]
        if secure { parts.append("Secure") }
        if let domain = settings.domain { parts.append("Domain=\(domain)") }
        return parts.joined(separator: "; ")
    }
}
