import Crypto
public import Foundation
import SwiftASN1
import X509

/// An X.509 certificate from a KeyDescriptor, parsed with swift-certificates for reporting.
public struct CertificateInfo: Sendable, Hashable {
    /// The DER bytes (what ``XMLSecurity/TrustedKey`` is built from).
    public let der: [UInt8]
    /// What the metadata says the key is for.
    public let use: KeyUse
    /// The subject distinguished name, RFC 4514 style.
    public let subject: String
    /// The issuer distinguished name.
    public let issuerName: String
    /// Start of validity.
    public let notValidBefore: Date
    /// End of validity.
    public let notValidAfter: Date
    /// SHA-256 of the DER, upper-case hex pairs separated by colons.
    public let sha256Fingerprint: String

    /// Parses `der`.
    public init(der: [UInt8], use: KeyUse) throws(MetadataError) {
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: der)
        } catch {
            throw MetadataError(code: .invalidCertificate, detail: "a KeyDescriptor certificate does not parse: \(error)")
        }
        self.der = der
        self.use = use
        subject = certificate.subject.description
        issuerName = certificate.issuer.description
        notValidBefore = certificate.notValidBefore
        notValidAfter = certificate.notValidAfter
        sha256Fingerprint = SHA256.hash(data: der).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// Whether the certificate has expired at `now`.
    public func isExpired(at now: Date) -> Bool { now >= notValidAfter }

    /// Whether it expires within `interval` seconds of `now` (but has not yet).
    public func expires(within interval: TimeInterval, of now: Date) -> Bool {
        !isExpired(at: now) && notValidAfter.timeIntervalSince(now) < interval
    }
}
