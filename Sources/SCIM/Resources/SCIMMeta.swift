public import Foundation

/// The server-assigned metadata of a resource (RFC 7643 §3.1).
public struct SCIMMeta: Sendable, Equatable {
    /// When the resource was created.
    public var created: Date
    /// When the resource last changed.
    public var lastModified: Date
    /// The resource's URI, such as `https://sso.example.com/scim/v2/Users/2819c223`.
    public var location: String?
    /// The version, a weak entity tag such as `W/"3"`.
    public var version: String?

    /// Metadata.
    public init(created: Date, lastModified: Date, location: String? = nil, version: String? = nil) {
        self.created = created
        self.lastModified = lastModified
        self.location = location
        self.version = version
    }

    /// Reads the metadata of a stored resource; nil when the dates are missing or malformed.
    public init?(_ resource: SCIMObject) {
        guard let meta = resource["meta"]?.objectValue,
            let created = meta["created"]?.stringValue.flatMap(SCIMDateTime.parse),
            let lastModified = meta["lastModified"]?.stringValue.flatMap(SCIMDateTime.parse)
        else { return nil }
        self.init(
            created: created, lastModified: lastModified, location: meta["location"]?.stringValue, version: meta["version"]?.stringValue)
    }

    /// The `meta` object of a resource of type `resourceType`.
    public func document(resourceType: String) -> SCIMValue {
        var object: SCIMObject = [
            "resourceType": .string(resourceType),
            "created": .string(SCIMDateTime.format(created)),
            "lastModified": .string(SCIMDateTime.format(lastModified)),
        ]
        if let location { object["location"] = .string(location) }
        if let version { object["version"] = .string(version) }
        return .object(object)
    }

    /// The weak entity tag for a revision counter: `W/"<revision>"`.
    public static func version(revision: Int) -> String { "W/\"\(revision)\"" }

    /// Whether an `If-Match` header allows changing a resource whose version is `version`
    /// (RFC 9110 §13.1.1, weak comparison as SCIM uses weak tags): `*` or a listed tag equal
    /// to it, ignoring the `W/` prefix.
    public static func ifMatch(_ header: String, version: String?) -> Bool {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        if trimmed == "*" { return version != nil }
        guard let version else { return false }
        func opaque(_ tag: Substring) -> Substring {
            let tag = tag.trimmingCharacters(in: .whitespaces)
            return Substring(tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag)
        }
        let current = opaque(Substring(version))
        return trimmed.split(separator: ",").contains { opaque($0) == current }
    }
}
