/// A typed reading of a Group resource.
public struct SCIMGroup: Sendable, Equatable {
    /// The resource.
    public var resource: SCIMObject

    /// A view of `resource`.
    public init(_ resource: SCIMObject) { self.resource = resource }

    /// The server-assigned id.
    public var id: String? { resource["id"]?.stringValue }
    /// The provisioning client's id.
    public var externalId: String? { resource["externalId"]?.stringValue }
    /// The display name.
    public var displayName: String? { resource["displayName"]?.stringValue }
    /// The ids of the members, in order.
    public var memberIds: [String] {
        resource["members"]?.arrayValue?.compactMap { $0.objectValue?["value"]?.stringValue } ?? []
    }
}
