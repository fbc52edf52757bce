/// How the session cookie is named and scoped.
public struct CookieSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// The session cookie's name. The pending-login cookie is this name plus `_login`.
    public var name: String = "gatehouse_session"
    /// Send the `Secure` attribute. Turn off only for plain-http local development.
    public var secure: Bool = true
    /// The cookie's `Domain`; nil keeps it host-only (the safest choice).
    public var domain: String?

    /// Cookie settings; a nil `name` or `secure` keeps the declared (safe) default.
    public init(name: String? = nil, secure: Bool? = nil, domain: String? = nil) {
        if let name { self.name = name }
        if let secure { self.secure = secure }
        self.domain = domain
    }

    /// Name of the short-lived cookie that binds a pending login to this browser.
    public var pendingLoginName: String { name + "_login" }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, secure, domain }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(forKey: .name, default: name)
        secure = try container.decode(forKey: .secure, default: secure)
        domain = try container.decodeIfPresent(String.self, forKey: .domain)
    }
}
