/// Who Gatehouse is towards the IdPs: its SAML entity ID and its key pair.
public struct ServiceProviderSettings: Sendable, Equatable, Decodable, ConfigSection {
    /// The SP entity ID; by default `<external_url><route_prefix>/metadata`.
    public var entityID: String?
    /// Path of the PEM private key that signs AuthnRequests and decrypts assertions.
    public var keyPath: String?
    /// Path of the PEM certificate published in SP metadata; must match `keyPath`.
    public var certificatePath: String?
    /// Paths of earlier PEM private keys (RSA) that still decrypt assertions after a key
    /// rollover, while IdPs still encrypt to the old certificate. They never sign.
    public var previousKeyPaths: [String] = []

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
        case previousKeyPaths = "previous_keys"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        entityID = try c.decode(forKey: .entityID, default: entityID)
        keyPath = try c.decode(forKey: .keyPath, default: keyPath)
        certificatePath = try c.decode(forKey: .certificatePath, default: certificatePath)
        previousKeyPaths = try c.decode(forKey: .previousKeyPaths, default: previousKeyPaths)
    }
}
