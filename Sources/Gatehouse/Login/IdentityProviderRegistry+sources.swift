public import Foundation
import SAML

extension IdentityProviderRegistry {
    /// Every IdP of `config`: the metadata folder's files and, for each of `metadata_sources`,
    /// its verified copy on disk (the refresher keeps that copy current). A copy that is missing
    /// or fails verification is a warning, not an error: the refresher may still fetch one. An
    /// expired copy is loaded, and its IdPs refuse every login (see ``currentEntry(_:at:)``).
    ///
    /// A source listed in `verified` with exactly its settings uses that copy instead of the
    /// one on disk: it was verified with that source's certificate and checked when fetched
    /// (``MetadataSourceTracker/verifiedCopies()``), and it is what the cache file holds, so
    /// parsing and verifying the file again would only repeat that work.
    ///
    /// Without `metadata_sources` this is exactly ``load(directory:)``.
    public static func load(
        config: GatehouseConfig, now: Date, verified: [VerifiedMetadataCopy] = []
    ) throws(RegistryError) -> (
        registry: IdentityProviderRegistry, warnings: [String]
    ) {
        guard !config.metadataSources.isEmpty else { return (try load(directory: config.idpMetadataDirectory), []) }
        var documents: [(source: String, metadata: SAMLMetadata)] = []
        if FileManager.default.fileExists(atPath: config.idpMetadataDirectory) {
            for (source, bytes) in try Self.documents(in: config.idpMetadataDirectory) {
                do {
                    documents.append((source, try SAMLMetadata(parsing: bytes)))
                } catch {
                    throw RegistryError("\(source): \(error.description)")
                }
            }
        }
        var warnings: [String] = []
        for source in config.metadataSources.documents {
            if let copy = verified.first(where: { $0.source == source })?.copy {
                if copy.isExpired(at: now) { warnings.append(expiredWarning(source)) }
                documents.append((source.url, copy.metadata))
                continue
            }
            guard FileManager.default.fileExists(atPath: source.cacheFile) else {
                warnings.append("metadata_sources: no verified copy of \(source.url) in \(source.cacheFile) yet; `serve` fetches one.")
                continue
            }
            do {
                let copy = try cachedCopy(of: source)
                if copy.isExpired(at: now) { warnings.append(expiredWarning(source)) }
                documents.append((source.url, copy.metadata))
            } catch {
                warnings.append("metadata_sources: the copy of \(source.url) in \(source.cacheFile) is not used: \(error.detail).")
            }
        }
        let registry = try IdentityProviderRegistry(metadata: documents)
        // An MDQ source that fetches on demand may be the only place IdPs come from.
        guard !registry.entries.isEmpty || config.metadataSources.contains(where: { $0.onDemand != nil }) else {
            throw RegistryError(
                "no IdP metadata: \(config.idpMetadataDirectory) has none and no metadata source has a verified copy yet")
        }
        return (registry, warnings)
    }

    private static func expiredWarning(_ source: MetadataSourceSettings) -> String {
        "metadata_sources: the copy of \(source.url) in \(source.cacheFile) expired; its IdPs refuse logins until a fresh one is fetched."
    }

    /// The copy of `source` on disk, verified again with its certificate (the file may have
    /// been changed since it was written).
    static func cachedCopy(of source: MetadataSourceSettings) throws(MetadataRefreshError) -> SignedMetadataCopy {
        let keys = try SignedMetadataCopy.trustedKeys(certificateAt: source.certificate)
        guard let data = FileManager.default.contents(atPath: source.cacheFile) else {
            throw MetadataRefreshError(.malformed, "\(source.cacheFile) cannot be read")
        }
        let copy = try SignedMetadataCopy(verifying: Array(data), trustedKeys: keys)
        try source.checkEntity(of: copy)
        return copy
    }
}
