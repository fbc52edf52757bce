import Crypto
import Foundation
import SAML

extension MetadataSourceSettings {
    /// The documents this source stands for: itself, or for an MDQ source one per entity
    /// (see ``entities``), each with its own URL, cache file and expected entity ID.
    public var documents: [MetadataSourceSettings] {
        guard !entities.isEmpty else { return [self] }
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return entities.map { entityID in
            var one = self
            one.entities = []
            one.expectedEntityID = entityID
            one.url = base + "/entities/" + Self.pathEncoded(entityID)
            one.cacheFile = cacheFile + "." + Self.sha1Hex(entityID)
            return one
        }
    }

    /// The entity ID as one path segment: every byte but RFC 3986's unreserved ones escaped.
    static func pathEncoded(_ entityID: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return entityID.addingPercentEncoding(withAllowedCharacters: unreserved) ?? entityID
    }

    /// The lowercase hex SHA-1 of the entity ID's UTF-8, as MDQ's `{sha1}` identifiers use.
    static func sha1Hex(_ entityID: String) -> String {
        Insecure.SHA1.hash(data: Data(entityID.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Refuses an MDQ answer that does not describe exactly the entity asked for.
    func checkEntity(of copy: SignedMetadataCopy) throws(MetadataRefreshError) {
        guard let expectedEntityID else { return }
        let found = copy.metadata.entities.map(\.entityID)
        guard found == [expectedEntityID] else {
            throw MetadataRefreshError(.malformed, "asked for \(expectedEntityID), the answer describes \(found)")
        }
    }
}

extension [MetadataSourceSettings] {
    /// Every document of every source, in order.
    public var documents: [MetadataSourceSettings] { flatMap(\.documents) }
}
