import Foundation
import XMLSecurity

/// Reading keys and response pools from disk.
enum BenchFiles {
    static func text(_ path: String) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch { throw BenchError("cannot read \(path): \(error)") }
    }

    /// Non-empty lines of a file.
    static func lines(_ path: String) throws -> [String] {
        try text(path).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    static func signingKey(_ keyPath: String, certificate: String) throws -> SigningKey {
        try SigningKey(privateKeyPEM: text(keyPath), certificatePEM: text(certificate))
    }

    static func trustedKey(_ certificatePath: String) throws -> TrustedKey {
        try TrustedKey(certificatePEM: text(certificatePath))
    }

    static func write(_ lines: [String], to path: String) throws {
        let body = lines.joined(separator: "\n") + "\n"
        do { try body.write(toFile: path, atomically: true, encoding: .utf8) } catch { throw BenchError("cannot write \(path): \(error)") }
    }
}
