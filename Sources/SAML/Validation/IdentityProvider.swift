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
    ///
    /// The keys are loaded into OpenSSL the first time one of this IdP's signatures is checked
    /// (the certificates were already parsed with the metadata): a federation aggregate lists
    /// thousands of IdPs, and loading every key up front was most of the time to load it.
    public init(_ entity: EntityDescriptor) throws(MetadataError) {
        guard let descriptor = entity.identityProvider else {
            throw MetadataError(code: .noIdentityProvider, detail: "\(entity.entityID) has no IDPSSODescriptor")
        }
        let keys = descriptor.signingCertificates.map { TrustedKey(deferredCertificateDER: $0.der) }
        self.init(entityID: entity.entityID, signingKeys: keys)
    }
}
