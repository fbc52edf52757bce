import Foundation
import SwiftASN1
public import X509
import XMLSecurity

extension ConfigCheck {
    /// Problems with the SP key pair: unreadable files, mismatched key and certificate, expiry.
    func keyProblems(_ settings: ServiceProviderSettings) -> [ConfigProblem] {
        guard let keyPath = settings.keyPath, let certificatePath = settings.certificatePath else {
            if settings.keyPath != nil || settings.certificatePath != nil {
                return [.init(.error, "service_provider: set both key and certificate, or neither.")]
            }
            if !settings.previousKeyPaths.isEmpty {
                return [.init(.error, "service_provider.previous_keys needs a current key and certificate; set both.")]
            }
            return [
                .init(
                    .warning,
                    "service_provider has no key and certificate, so AuthnRequests go unsigned and encrypted assertions cannot be read; create them (for example `openssl req -x509 -newkey rsa:2048 -nodes -days 1095 -subj /CN=gatehouse -keyout sp.key -out sp.crt`) and set both."
                )
            ]
        }
        var found: [ConfigProblem] = []
        var key: Certificate.PrivateKey?
        var certificate: Certificate?
        if let text = read(keyPath, field: "service_provider.key", into: &found) {
            do {
                key = try Certificate.PrivateKey(pemEncoded: text)
            } catch {
                found.append(.init(.error, "service_provider.key \(keyPath) is not a PEM private key (RSA or EC): \(error)."))
            }
        }
        if let text = read(certificatePath, field: "service_provider.certificate", into: &found) {
            do {
                certificate = try Certificate(pemEncoded: text)
            } catch {
                found.append(.init(.error, "service_provider.certificate \(certificatePath) is not a PEM certificate: \(error)."))
            }
        }
        if let key, let certificate, key.publicKey != certificate.publicKey {
            found.append(
                .init(
                    .error,
                    "service_provider.key does not belong to service_provider.certificate; use the key the certificate was issued for."))
        }
        if let certificate {
            found += expiryProblems(certificate, name: "service_provider.certificate")
        }
        for path in settings.previousKeyPaths {
            guard let text = read(path, field: "service_provider.previous_keys", into: &found) else { continue }
            if (try? DecryptionKey(privateKeyPEM: text)) == nil {
                found.append(
                    .init(.error, "service_provider.previous_keys: \(path) is not an RSA private key in PEM; only RSA keys decrypt."))
            }
        }
        return found
    }

    /// An error for an expired certificate, a warning for one that expires soon.
    public func expiryProblems(_ certificate: Certificate, name: String) -> [ConfigProblem] {
        if certificate.notValidAfter <= now {
            return [.init(.error, "\(name) expired on \(certificate.notValidAfter.formatted(.iso8601)); replace it.")]
        }
        if certificate.notValidAfter.timeIntervalSince(now) < expiryWarning {
            return [.init(.warning, "\(name) expires on \(certificate.notValidAfter.formatted(.iso8601)); plan its rollover now.")]
        }
        if certificate.notValidBefore > now {
            return [.init(.error, "\(name) is not valid before \(certificate.notValidBefore.formatted(.iso8601)).")]
        }
        return []
    }

    private func read(_ path: String, field: String, into found: inout [ConfigProblem]) -> String? {
        guard FileManager.default.fileExists(atPath: path) else {
            found.append(.init(.error, "\(field): the file \(path) does not exist."))
            return nil
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            found.append(.init(.error, "\(field): the file \(path) cannot be read; check its permissions."))
            return nil
        }
        return text
    }
}
