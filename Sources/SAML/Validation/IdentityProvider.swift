public import XMLSecurity

/// What the validator needs to know about one IdP: its entity ID and its signing keys
/// (from metadata, never from a message).
public struct IdentityProvider: Sendable {
    /// The IdP's entity ID; Response and Assertion Issuer must equal it.
    public var entityID: String
    /// Keys that may sign its messages (several during rollover). Empty is a hard error.
    public var signingKeys: [TrustedKey]

    /// An IdP with explicitly given keys.
    public init(entityID: String, signingKeys: [TrustedKey]) {
        self.entityID = entityID
        self.signingKeys = signingKeys
    }

    /// The IdP described by a metadata entity: its IDPSSODescriptor's signing certificates.
    public init(_ entity: EntityDescriptor) throws(MetadataError) {
        guard let descriptor = entity.identityProvider else {
            throw MetadataError(code: .noIdentityProvider, detail: "\(entity.entityID) has no IDPSSODescriptor")
        }
        var keys: [TrustedKey] = []
        for certificate in descriptor.signingCertificates {
            do {
                keys.append(try TrustedKey(certificateDER: certificate.der))
            } catch {
                throw MetadataError(code: .invalidCertificate, detail: "\(entity.entityID): \(error.detail)")
            }
        }
        self.init(entityID: entity.entityID, signingKeys: keys)
    }
}
