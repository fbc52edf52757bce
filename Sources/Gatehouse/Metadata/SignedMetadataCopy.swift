public import Foundation
public import SAML
public import XMLSecurity

/// A metadata document whose root signature verified against a source's certificate.
///
/// Entities are read from the verified root element only (see ``SAML/SAMLMetadata``), so an
/// entity wrapped in beside the signed content is never seen. The document's bytes are not
/// kept: the caller writes them to the cache file and lets them go, and the registry is built
/// from ``metadata``, so an aggregate is never held twice.
public struct SignedMetadataCopy: Sendable {
    /// The parsed, verified metadata.
    public let metadata: SAMLMetadata
    /// The earliest `validUntil` of its IdPs, if it names one.
    public let validUntil: Date?
    /// The shortest `cacheDuration` of its IdPs, if it names one.
    public let cacheDuration: TimeInterval?

    /// Verifies `bytes` against `trustedKeys` and checks that it describes at least one usable IdP.
    /// Expiry is not checked here: see ``isExpired(at:)``.
    public init(verifying bytes: [UInt8], trustedKeys: [TrustedKey]) throws(MetadataRefreshError) {
        let metadata: SAMLMetadata
        do {
            metadata = try SAMLMetadata(parsing: bytes, trustedKeys: trustedKeys)
        } catch {
            throw MetadataRefreshError(error.code == .signatureInvalid ? .signatureInvalid : .malformed, error.description)
        }
        let providers = metadata.identityProviderEntities
        guard !providers.isEmpty else { throw MetadataRefreshError(.malformed, "the document describes no IdP") }
        for entity in providers {
            do {
                _ = try IdentityProvider(entity)
            } catch {
                throw MetadataRefreshError(.malformed, error.description)
            }
        }
        self.metadata = metadata
        validUntil = providers.compactMap(\.validUntil).min()
        cacheDuration = providers.compactMap(\.cacheDuration).min()
    }

    /// Whether the copy's `validUntil` is at or before `now`.
    public func isExpired(at now: Date) -> Bool {
        validUntil.map { $0 <= now } ?? false
    }

    /// The trusted keys of the PEM certificate at `path`.
    static func trustedKeys(certificateAt path: String) throws(MetadataRefreshError) -> [TrustedKey] {
        guard let data = FileManager.default.contents(atPath: path), let pem = String(data: data, encoding: .utf8) else {
            throw MetadataRefreshError(.signatureInvalid, "the certificate \(path) cannot be read")
        }
        do {
            return [try TrustedKey(certificatePEM: pem)]
        } catch {
            throw MetadataRefreshError(.signatureInvalid, "the certificate \(path): \(error.description)")
        }
    }
}

/// A metadata source's settings and the copy that verified under exactly those settings.
public typealias VerifiedMetadataCopy = (source: MetadataSourceSettings, copy: SignedMetadataCopy)
