public import XMLSecurity

/// What the validators need to know about one IdP: its entity ID, its signing keys (from
/// metadata, never from a message) and where its Single Logout endpoints are.
public struct IdentityProvider: Sendable {
    /// The IdP's entity ID; Response and Assertion Issuer must equal it.
    public var entityID: String
    /// Keys that may sign its messages (several during rollover). Empty is a hard error.
    public var signingKeys: [TrustedKey]
    /// Its `SingleLogoutService` endpoints (any binding), in metadata order.
    public var singleLogoutServices: [Endpoint]

    /// An IdP with explicitly given keys.
    public init(entityID: String, signingKeys: [TrustedKey], singleLogoutServices: [Endpoint] = []) {
        self.entityID = entityID
        self.signingKeys = signingKeys
        self.singleLogoutServices = singleLogoutServices
    }

    /// The first SingleLogoutService with `binding`.
    public func singleLogoutService(binding: String) -> Endpoint? {
        singleLogoutServices.first { $0.binding == binding }
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
        self.init(entityID: entity.entityID, signingKeys: keys, singleLogoutServices: descriptor.singleLogoutServices)
    }
}
