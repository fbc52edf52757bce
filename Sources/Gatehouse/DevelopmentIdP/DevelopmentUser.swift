/// A user the development IdP signs in as: picked from the list or typed on its page.
public struct DevelopmentUser: Sendable, Equatable, Codable {
    /// Login name, released as `uid` and `username`.
    public var username: String
    /// Released as `email` and used as the NameID.
    public var email: String
    /// Released as `displayName`.
    public var displayName: String
    /// Released as the multi-valued `groups` attribute.
    public var groups: [String]

    /// A user with the given facts.
    public init(username: String, email: String, displayName: String, groups: [String]) {
        self.username = username
        self.email = email
        self.displayName = displayName
        self.groups = groups
    }

    /// The users offered on the development IdP's page.
    public static let samples: [DevelopmentUser] = [
        DevelopmentUser(username: "alice", email: "alice@example.com", displayName: "Alice Example", groups: ["engineering", "staff"]),
        DevelopmentUser(username: "bob", email: "bob@example.com", displayName: "Bob Example", groups: ["staff"]),
        DevelopmentUser(
            username: "carol", email: "carol@example.com", displayName: "Carol Admin", groups: ["admins", "engineering", "staff"]),
    ]
}
