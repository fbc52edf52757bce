import Foundation
public import XMLSecurity

/// The SP key pair (`service_provider.key` and `.certificate`), read once per configuration.
public struct ServiceProviderKeys: Sendable {
    /// Signs AuthnRequests and the SP metadata; carries the certificate for KeyInfo.
    public let signingKey: SigningKey
    /// Decrypts encrypted assertions: the same key when it is RSA (none for an EC key:
    /// assertions are encrypted to RSA keys only), then the `previous_keys` of a rollover.
    public let decryptionKeys: [DecryptionKey]
    /// The certificate (DER) published in the SP metadata.
    public let certificateDER: [UInt8]

    /// Reads the key pair `settings` names; nil when neither file is configured.
    public static func load(_ settings: ServiceProviderSettings) throws(ConfigError) -> ServiceProviderKeys? {
        guard settings.keyPath != nil || settings.certificatePath != nil else { return nil }
        guard let keyPath = settings.keyPath, let certificatePath = settings.certificatePath else {
            throw ConfigError("service_provider: set both key and certificate, or neither.")
        }
        guard let keyPEM = try? String(contentsOfFile: keyPath, encoding: .utf8) else {
            throw ConfigError("service_provider.key: the file \(keyPath) cannot be read.")
        }
        guard let certificatePEM = try? String(contentsOfFile: certificatePath, encoding: .utf8) else {
            throw ConfigError("service_provider.certificate: the file \(certificatePath) cannot be read.")
        }
        let previous = try previousKeys(settings.previousKeyPaths)
        do throws(XMLSecurityError) {
            let signingKey = try SigningKey(privateKeyPEM: keyPEM, certificatePEM: certificatePEM)
            guard let certificateDER = signingKey.certificateDER else {
                throw XMLSecurityError(code: .invalidKey, detail: "no certificate was attached to the key")
            }
            let current = signingKey.kind == .rsa ? [try DecryptionKey(privateKeyPEM: keyPEM)] : []
            return ServiceProviderKeys(
                signingKey: signingKey, decryptionKeys: current + previous,
                certificateDER: certificateDER)
        } catch {
            throw ConfigError("service_provider.key \(keyPath): \(error.detail); use an RSA or EC key in PEM.")
        }
    }

    /// The `service_provider.previous_keys`, in order: they decrypt after the current key.
    private static func previousKeys(_ paths: [String]) throws(ConfigError) -> [DecryptionKey] {
        var keys: [DecryptionKey] = []
        for path in paths {
            guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigError("service_provider.previous_keys: the file \(path) cannot be read.")
            }
            do {
                keys.append(try DecryptionKey(privateKeyPEM: pem))
            } catch {
                throw ConfigError("service_provider.previous_keys \(path): \(error.detail); use an RSA key in PEM.")
            }
        }
        return keys
    }
}
