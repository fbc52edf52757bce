/// What happens after a sign-out (`logout` in the file).
public struct LogoutSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// Where the browser goes after a complete sign-out (local, and at the IdP when it confirms
    /// Single Logout): a same-origin path such as `/goodbye`, or a URL with the origin of
    /// `external_url`. Nil shows the gateway's "signed out" page. Anything else is refused
    /// when the configuration loads.
    public var returnTo: String?

    /// The defaults: the gateway's own "signed out" page.
    public init(returnTo: String? = nil) {
        self.returnTo = returnTo
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case returnTo = "return_to"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        returnTo = try container.decodeIfPresent(String.self, forKey: .returnTo)
    }
}
