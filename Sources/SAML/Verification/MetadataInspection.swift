public import Foundation

/// The report of `gatehouse metadata inspect FILE`: entities, endpoints, certificates and
/// warnings (expired or soon-expiring certificates and metadata, missing signing keys).
public enum MetadataInspection {
    /// How close to expiry a certificate or metadata file earns a warning.
    public static let warningInterval: TimeInterval = 30 * 86_400

    /// The report for a metadata file's bytes (what `gatehouse metadata inspect FILE` prints).
    public static func report(metadataBytes: [UInt8], now: Date) throws(MetadataError) -> String {
        report(try SAMLMetadata(parsing: metadataBytes), now: now)
    }

    /// A text report of `metadata` as of `now`.
    public static func report(_ metadata: SAMLMetadata, now: Date) -> String {
        var lines: [String] = []
        let kind =
            metadata.isAggregate ? "aggregate (EntitiesDescriptor\(metadata.name.map { " \($0)" } ?? ""))" : "single EntityDescriptor"
        lines.append("metadata: \(kind), \(metadata.entities.count) entit\(metadata.entities.count == 1 ? "y" : "ies")")
        lines.append(
            "signature: \(metadata.isSigned ? (metadata.signatureVerified ? "present, verified" : "present, not verified (no key given)") : "none")"
        )
        for entity in metadata.entities {
            lines.append("")
            lines.append("entity \(entity.entityID)")
            if let until = entity.validUntil { lines.append("  validUntil: \(SAMLInstant.format(until))") }
            if let cache = entity.cacheDuration { lines.append("  cacheDuration: \(Int(cache)) s") }
            if entity.hasServiceProviderRole { lines.append("  role: SP") }
            guard let idp = entity.identityProvider else {
                lines.append("  (no IdP role)")
                continue
            }
            lines.append("  role: IdP, WantAuthnRequestsSigned: \(idp.wantAuthnRequestsSigned)")
            for endpoint in idp.singleSignOnServices { lines.append("  SSO \(bindingName(endpoint.binding)): \(endpoint.location)") }
            for endpoint in idp.singleLogoutServices {
                lines.append(
                    "  SLO \(bindingName(endpoint.binding)): \(endpoint.location)\(endpoint.responseLocation.map { " (responses: \($0))" } ?? "")"
                )
            }
            for format in idp.nameIDFormats { lines.append("  NameIDFormat: \(format)") }
            var seen: Set<[UInt8]> = []
            for certificate in idp.signingCertificates + idp.encryptionCertificates where seen.insert(certificate.der).inserted {
                lines.append("  certificate (\(certificate.use.rawValue)): \(certificate.subject)")
                lines.append("    notValidAfter: \(SAMLInstant.format(certificate.notValidAfter))")
                lines.append("    SHA-256: \(certificate.sha256Fingerprint)")
            }
        }
        let warnings = self.warnings(metadata, now: now)
        lines.append("")
        lines.append(warnings.isEmpty ? "warnings: none" : "warnings:")
        lines.append(contentsOf: warnings.map { "  - \($0)" })
        return lines.joined(separator: "\n") + "\n"
    }

    /// The warnings alone, one sentence each.
    public static func warnings(_ metadata: SAMLMetadata, now: Date) -> [String] {
        var warnings: [String] = []
        for entity in metadata.entities {
            if let until = entity.validUntil {
                if until <= now {
                    warnings.append("\(entity.entityID): metadata expired at \(SAMLInstant.format(until)); fetch a fresh copy")
                } else if until.timeIntervalSince(now) < warningInterval {
                    warnings.append("\(entity.entityID): metadata expires at \(SAMLInstant.format(until))")
                }
            }
            guard let idp = entity.identityProvider else { continue }
            if idp.signingCertificates.isEmpty {
                warnings.append("\(entity.entityID): no signing certificate; no response from this IdP can be accepted")
            }
            if idp.singleSignOnServices.isEmpty {
                warnings.append("\(entity.entityID): no SingleSignOnService endpoint")
            }
            for certificate in idp.signingCertificates {
                if certificate.isExpired(at: now) {
                    warnings.append(
                        "\(entity.entityID): signing certificate \(certificate.subject) expired at \(SAMLInstant.format(certificate.notValidAfter))"
                    )
                } else if certificate.expires(within: warningInterval, of: now) {
                    warnings.append(
                        "\(entity.entityID): signing certificate \(certificate.subject) expires at \(SAMLInstant.format(certificate.notValidAfter)); expect a key rollover"
                    )
                }
            }
        }
        return warnings
    }

    private static func bindingName(_ uri: String) -> String {
        switch uri {
        case SAMLBinding.httpRedirect: "HTTP-Redirect"
        case SAMLBinding.httpPOST: "HTTP-POST"
        case SAMLBinding.httpArtifact: "HTTP-Artifact"
        default: uri
        }
    }
}
