/// Who Gatehouse is towards the IdPs: its SAML entity ID and its key pair.
public struct ServiceProviderSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// The SP entity ID; by default `<external_url><route_prefix>/metadata`.
    public var entityID: String?
    /// Path of the PEM private key that signs AuthnRequests and decrypts assertions.
    public var keyPath: String?
    /// Path of the PEM certificate published in SP metadata; must match `keyPath`.
    public var certificatePath: String?

    /// SP settings; nil fields take their defaults.
    public init(entityID: String? = nil, keyPath: String? = nil, certificatePath: String? = nil) {
        self.entityID = entityID
        self.keyPath = keyPath
        self.certificatePath = certificatePath
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case entityID = "entity_id"
        case keyPath = "key"
        case certificatePath = "certificate"
    }
}
