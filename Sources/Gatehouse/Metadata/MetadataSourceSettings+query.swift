import Crypto
import Foundation
import SAML

extension MetadataSourceSettings {
    /// The documents this source stands for: itself, or for an MDQ source one per entity
    /// (see ``entities``), each with its own URL, cache file and expected entity ID. An MDQ
    /// source that fetches on demand only has documents for the entities it lists.
    public var documents: [MetadataSourceSettings] {
        guard !entities.isEmpty || onDemand != nil else { return [self] }
        return entities.map { document(for: $0, identifier: .entityID) }
    }

    /// The query for one entity of this MDQ source: its URL (`identifier` names the entity
    /// there, MDQ §2.4), the cache file beside ``cacheFile`` and the entity the answer must
    /// describe. The entity ID is always encoded as one path segment below the configured base
    /// URL, so no entity ID can point the query anywhere else.
    func document(for entityID: String, identifier: MetadataOnDemandSettings.Identifier) -> MetadataSourceSettings {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        var one = self
        one.entities = []
        one.onDemand = nil
        one.expectedEntityID = entityID
        switch identifier {
        case .entityID: one.url = base + "/entities/" + Self.pathEncoded(entityID)
        case .sha1: one.url = base + "/entities/%7Bsha1%7D" + Self.sha1Hex(entityID)
        }
        one.cacheFile = cacheFile + "." + Self.sha1Hex(entityID)
        return one
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
