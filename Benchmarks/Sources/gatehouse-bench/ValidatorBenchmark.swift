import Foundation
import SAML
import XMLSecurity

/// `validator`: full `ResponseValidator` validation of a pool of responses on one thread, for
/// `--seconds`; a fresh replay cache for every pass over the pool, so each validation still
/// runs the replay check and succeeds.
enum ValidatorBenchmark {
    /// What one run validates with. Built synchronously: typed throws inside an async function
    /// crash the Swift 6.2 release optimizer (LLVM CoroSplit), so async code only sees this.
    struct Setup {
        var pool: [String]
        var policy: ValidationPolicy
        var idp: IdentityProvider
        var expected: String?
        var now: Date
    }

    static func setup(_ options: Options) throws -> Setup {
        let keys = options.string("keys", "Fixtures/keys")
        let kind = options.string("kind", "rsa")
        let pool = try BenchFiles.lines(try options.required("responses"))
        guard !pool.isEmpty else { throw BenchError("empty response pool") }
        let now = try ResponseFactory.parseInstant(options.string("now", "2026-06-01T12:01:00Z"))
        var policy = ValidationPolicy(audience: ResponseFactory.spEntityID, assertionConsumerServiceURL: ResponseFactory.acsURL)
        if kind == "encrypted" {
            do {
                policy.decryptionKeys = [try DecryptionKey(privateKeyPEM: BenchFiles.text("\(keys)/sp.key"))]
            } catch {
                throw BenchError("decryption key: \(error)")
            }
        }
        let certificate = kind == "ec" ? "idp-ec.crt" : "idp-rsa.crt"
        let idp = IdentityProvider(
            entityID: ResponseFactory.idpEntityID, signingKeys: [try BenchFiles.trustedKey("\(keys)/\(certificate)")])
        if options.flag("unsolicited") { policy.allowsUnsolicited = true }
        return Setup(
            pool: pool, policy: policy, idp: idp, expected: options.flag("unsolicited") ? nil : ResponseFactory.requestID, now: now)
    }

    static func validate(_ validator: ResponseValidator, _ text: String, _ setup: Setup) async throws {
        do {
            _ = try await validator.validate(
                posted: text, identityProviders: [setup.idp], expectedRequestID: setup.expected, now: setup.now)
        } catch {
            throw BenchError("validation failed: \(error.code.rawValue): \(error.detail)")
        }
    }

    static func run(_ options: Options) async throws {
        let setup = try setup(options)
        let (pool, policy, kind) = (setup.pool, setup.policy, options.string("kind", "rsa"))
        let seconds = options.double("seconds", 3)

        // One warm-up pass, which also proves every response in the pool is valid.
        var validator = ResponseValidator(policy: policy, replayCache: InMemoryReplayCache())
        for text in pool.prefix(50) {
            try await validate(validator, text, setup)
        }
        var latencies: [Double] = []
        latencies.reserveCapacity(100_000)
        var count = 0
        let wallStart = Measurement.now()
        let cpuStart = Measurement.cpuSeconds()
        var index = pool.count
        while Measurement.now() - wallStart < seconds {
            if index == pool.count {
                validator = ResponseValidator(policy: policy, replayCache: InMemoryReplayCache())
                index = 0
            }
            let started = Measurement.now()
            try await validate(validator, pool[index], setup)
            latencies.append(Measurement.now() - started)
            index += 1
            count += 1
        }
        let wall = Measurement.now() - wallStart
        let cpu = Measurement.cpuSeconds() - cpuStart
        Measurement.emit([
            "kind": kind, "ops": count, "wall_s": wall, "cpu_s": cpu,
            "ops_per_s": Double(count) / wall, "ops_per_cpu_s": Double(count) / cpu,
            "cpu_us_per_op": cpu / Double(count) * 1e6,
            "p50_us": Measurement.percentile(latencies, 0.5) * 1e6, "p99_us": Measurement.percentile(latencies, 0.99) * 1e6,
            "xml_bytes": (Data(base64Encoded: pool[0]) ?? Data()).count,
        ])
    }
}
