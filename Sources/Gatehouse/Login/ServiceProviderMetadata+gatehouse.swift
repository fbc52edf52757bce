public import SAML
import XMLSecurity

extension ServiceProviderMetadata {
    /// The SP metadata Gatehouse publishes, both at `<route_prefix>/metadata` and by
    /// `gatehouse metadata sp`: signed (RSA-SHA256 or ECDSA-SHA256) when an SP key pair is
    /// configured, its certificate for signing and, for an RSA key, for encryption.
    ///
    /// Only endpoints that work are advertised: the ACS, and the `singleLogoutServices` given
    /// or, when nil, ``gatehouseSingleLogoutServices(for:keys:)``.
    public static func document(
        for config: GatehouseConfig, keys: ServiceProviderKeys?, singleLogoutServices: [Endpoint]? = nil
    ) throws(ConfigError) -> String {
        var metadata = ServiceProviderMetadata(entityID: config.entityID, assertionConsumerServiceURL: config.endpointURL("acs"))
        metadata.singleLogoutServices = singleLogoutServices ?? gatehouseSingleLogoutServices(for: config, keys: keys)
        guard let keys else { return metadata.xml }
        metadata.signingCertificateDER = keys.certificateDER
        if !keys.decryptionKeys.isEmpty { metadata.encryptionCertificatesDER = [keys.certificateDER] }
        do throws(XMLSecurityError) {
            return try metadata.signed(with: keys.signingKey)
        } catch {
            throw ConfigError("service_provider.key cannot sign the SP metadata: \(error.detail).")
        }
    }

    /// The Single Logout endpoints Gatehouse answers: HTTP-Redirect and HTTP-POST at
    /// `<route_prefix>/slo`, SOAP at `<route_prefix>/slo/soap`. None without an SP key, since
    /// every LogoutResponse must be signed (`<route_prefix>/logout` is the browser's sign-out
    /// button, not a SAML endpoint).
    public static func gatehouseSingleLogoutServices(for config: GatehouseConfig, keys: ServiceProviderKeys?) -> [Endpoint] {
        guard keys != nil else { return [] }
        let slo = config.endpointURL("slo")
        return [
            Endpoint(binding: SAMLBinding.httpRedirect, location: slo),
            Endpoint(binding: SAMLBinding.httpPOST, location: slo),
            Endpoint(binding: SAMLBinding.soap, location: config.endpointURL("slo/soap")),
        ]
    }
}
