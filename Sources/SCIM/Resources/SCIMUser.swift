/// A typed reading of a User resource, for the code that stores users and links them to
/// SAML identities. The resource itself stays the source of truth.
public struct SCIMUser: Sendable, Equatable {
    /// The resource.
    public var resource: SCIMObject

    /// A view of `resource`.
    public init(_ resource: SCIMObject) { self.resource = resource }

    /// The server-assigned id.
    public var id: String? { resource["id"]?.stringValue }
    /// The provisioning client's id.
    public var externalId: String? { resource["externalId"]?.stringValue }
    /// The sign-in name.
    public var userName: String? { resource["userName"]?.stringValue }
    /// The display name.
    public var displayName: String? { resource["displayName"]?.stringValue }
    /// Whether the user may sign in. A user without `active` is active (RFC 7643 leaves the
    /// default to the provider; every IdP that provisions sends it explicitly).
    public var active: Bool { resource["active"]?.boolValue ?? true }
    /// The given name.
    public var givenName: String? { resource["name"]?.objectValue?["givenName"]?.stringValue }
    /// The family name.
    public var familyName: String? { resource["name"]?.objectValue?["familyName"]?.stringValue }

    /// The email addresses, primary first.
    public var emails: [String] {
        let elements = resource["emails"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let primary = elements.filter { $0["primary"]?.boolValue == true }
        let others = elements.filter { $0["primary"]?.boolValue != true }
        return (primary + others).compactMap { $0["value"]?.stringValue }
    }

    /// The primary email, else the work one, else the first.
    public var primaryEmail: String? {
        let elements = resource["emails"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let chosen =
            elements.first { $0["primary"]?.boolValue == true }
            ?? elements.first { $0["type"]?.stringValue?.lowercased() == "work" } ?? elements.first
        return chosen?["value"]?.stringValue
    }

    /// An attribute of the enterprise extension, such as `department` or `employeeNumber`.
    public func enterprise(_ name: String) -> String? {
        resource[SCIMSchemaURN.enterpriseUser]?.objectValue?[name]?.stringValue
    }

    /// The manager's id from the enterprise extension.
    public var managerId: String? {
        resource[SCIMSchemaURN.enterpriseUser]?.objectValue?["manager"]?.objectValue?["value"]?.stringValue
    }
}
