public import Foundation

/// One `md:EntityDescriptor`. Only the IdP role is kept; other roles are ignored.
public struct EntityDescriptor: Sendable, Hashable {
    /// The entity ID.
    public var entityID: String
    /// The IdP role, if the entity has one.
    public var identityProvider: IDPSSODescriptor?
    /// Whether the entity has an SPSSODescriptor (reported by inspection, otherwise unused).
    public var hasServiceProviderRole: Bool
    /// The earliest `validUntil` of this entity and its enclosing EntitiesDescriptors.
    public var validUntil: Date?
    /// The shortest `cacheDuration` of this entity and its enclosing EntitiesDescriptors.
    public var cacheDuration: TimeInterval?

    /// Creates an entity.
    public init(
        entityID: String, identityProvider: IDPSSODescriptor? = nil, hasServiceProviderRole: Bool = false,
        validUntil: Date? = nil, cacheDuration: TimeInterval? = nil
    ) {
        self.entityID = entityID
        self.identityProvider = identityProvider
        self.hasServiceProviderRole = hasServiceProviderRole
        self.validUntil = validUntil
        self.cacheDuration = cacheDuration
    }
}
