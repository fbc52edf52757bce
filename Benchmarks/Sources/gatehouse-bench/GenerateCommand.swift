import Foundation
import XMLSecurity

/// `generate`: N fresh, uniquely identified signed responses, one per line, base64 (`--format b64`)
/// or as an ACS form body (`--format form`), for python3-saml and the HTTP load client.
enum GenerateCommand {
    static func run(_ options: Options) async throws {
        let keys = options.string("keys", "Fixtures/keys")
        let alg = options.string("alg", "rsa")
        let count = options.int("count", 200)
        let out = try options.required("out")
        let form = options.string("format", "b64") == "form"
        let key = try BenchFiles.signingKey("\(keys)/idp-\(alg).key", certificate: "\(keys)/idp-\(alg).crt")
        var factory = ResponseFactory(
            instant: try ResponseFactory.parseInstant(options.string("instant", "2026-06-01T12:00:00Z")),
            key: key, algorithm: alg == "ec" ? .ecdsaSHA256 : .rsaSHA256)
        factory.issuer = options.string("issuer", factory.issuer)
        factory.audience = options.string("audience", factory.audience)
        factory.acs = options.string("acs", factory.acs)
        if options.flag("unsolicited") { factory.inResponseTo = nil }
        let salt = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let workers = max(1, options.int("workers", 2))
        let started = Measurement.now()
        let factoryCopy = factory  // an immutable copy may be sent to the worker tasks
        let made = try await withThrowingTaskGroup(of: [(Int, String)].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var part: [(Int, String)] = []
                    for n in stride(from: worker, to: count, by: workers) {
                        let xml = try factoryCopy.response(n, salt: salt)
                        let b64 = Data(xml).base64EncodedString()
                        part.append((n, form ? "SAMLResponse=" + Self.formEncode(b64) : b64))
                    }
                    return part
                }
            }
            var all: [(Int, String)] = []
            for try await part in group { all += part }
            return all.sorted { $0.0 < $1.0 }.map(\.1)
        }
        try BenchFiles.write(made, to: out)
        let sample = try factory.response(0, salt: "size")
        Measurement.emit([
            "count": count, "seconds": Measurement.now() - started, "xml_bytes": sample.count, "out": out,
        ])
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
