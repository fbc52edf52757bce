public import Foundation
import SAML

/// The metadata checks `check-config` and `serve` run on each file of the IdP folder.
public enum MetadataFileCheck {
    /// Hard errors for the file at `path` (for ``ConfigCheck/metadataValidator``).
    public static let validator: ConfigCheck.MetadataValidator = { path in
        guard let data = FileManager.default.contents(atPath: path) else { return ["cannot be read"] }
        do throws(MetadataError) {
            let metadata = try SAMLMetadata(parsing: Array(data))
            var errors: [String] = []
            if metadata.identityProviderEntities.isEmpty { errors.append("describes no IdP (no IDPSSODescriptor)") }
            for entity in metadata.identityProviderEntities where entity.identityProvider?.signingCertificates.isEmpty == true {
                errors.append("IdP \(entity.entityID) has no signing certificate, so none of its responses could be accepted")
            }
            return errors
        } catch {
            return [error.description]
        }
    }

    /// Warnings (expired or soon-expiring certificates and metadata) for every file in `directory`.
    public static func warnings(directory: String, now: Date) -> [String] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".xml") }.sorted()
        return files.flatMap { file -> [String] in
            let path = (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path),
                let metadata = try? SAMLMetadata(parsing: Array(data))
            else { return [] }
            return MetadataInspection.warnings(metadata, now: now).map { "\(path): \($0)" }
        }
    }
}
