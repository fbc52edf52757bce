public import SAML
import XMLSecurity

extension ServiceProviderMetadata {
    /// The SP metadata Gatehouse publishes, both at `<route_prefix>/metadata` and by
    /// `gatehouse metadata sp`: signed (RSA-SHA256 or ECDSA-SHA256) when an SP key pair is
    /// configured, its certificate for signing and, for an RSA key, for encryption.
    ///
    /// Only endpoints that work are advertised: the ACS, and the `singleLogoutServices` given
    /// (none until Gatehouse answers SAML LogoutRequests; `<route_prefix>/logout` is a local
    /// sign-out, not a SAML endpoint).
    public static func document(
        for config: GatehouseConfig, keys: ServiceProviderKeys?, singleLogoutServices: [Endpoint] = []
    ) throws(ConfigError) -> String {
        var metadata = ServiceProviderMetadata(entityID: config.entityID, assertionConsumerServiceURL: config.endpointURL("acs"))
        metadata.singleLogoutServices = singleLogoutServices
        guard let keys else { return metadata.xml }
        metadata.signingCertificateDER = keys.certificateDER
        if !keys.decryptionKeys.isEmpty { metadata.encryptionCertificatesDER = [keys.certificateDER] }
        do throws(XMLSecurityError) {
            return try metadata.signed(with: keys.signingKey)
        } catch {
            throw ConfigError("service_provider.key cannot sign the SP metadata: \(error.detail).")
        }
    }
}
