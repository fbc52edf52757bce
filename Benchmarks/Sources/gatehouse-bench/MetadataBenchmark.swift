import Foundation
import SAML
import XMLSecurity

/// `metadata`: load (read + parse + signature verification + entity extraction) of a metadata
/// aggregate with `SAMLMetadata(parsing:trustedKeys:limits:)`, its time and peak RSS.
enum MetadataBenchmark {
    // Synchronous on purpose: in an async function this typed-throws do/catch crashes the
    // Swift 6.2 optimizer (LLVM CoroSplit, emitSetAndGetSwiftErrorValueAround) in release builds.
    static func run(_ options: Options) throws {
        let path = try options.required("file")
        let verify = !options.flag("no-verify")
        let keys = verify ? [try BenchFiles.trustedKey(try options.required("cert"))] : nil
        var limits = SAMLMetadata.defaultLimits
        let maxBytes = options.int("max-bytes", 0)
        if maxBytes > 0 { limits.maxBytes = maxBytes }
        let wallStart = Measurement.now()
        let cpuStart = Measurement.cpuSeconds()
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path))) } catch { throw BenchError("cannot read \(path)") }
        var result: [String: Any] = ["file_bytes": bytes.count, "verify": verify, "max_bytes": limits.maxBytes]
        do {
            let metadata = try SAMLMetadata(parsing: bytes, trustedKeys: keys, limits: limits)
            let idps = try metadata.identityProviders()
            result["ok"] = true
            result["entities"] = metadata.entities.count
            result["idps"] = idps.count
            result["signature_verified"] = metadata.signatureVerified
        } catch {
            result["ok"] = false
            result["error"] = "\(error)"
        }
        result["wall_s"] = Measurement.now() - wallStart
        result["cpu_s"] = Measurement.cpuSeconds() - cpuStart
        result["peak_rss"] = Measurement.peakRSSBytes()
        Measurement.emit(result)
    }
}
