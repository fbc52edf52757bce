import Foundation
import Gatehouse
import SAML

/// `cbc-timing`: how long the two failure paths of an AES-CBC encrypted response take, a
/// padding error (decryption fails) and a signature error (decryption succeeds, the
/// signature inside does not verify). Measured twice: in the bare validator (the difference an
/// attacker would time) and through the login service (the answer the client gets, held to
/// a fixed delay). The two inputs alternate, so drift hits both alike. Prints one JSON line
/// per path and layer, with percentiles in microseconds.
enum CBCTimingBenchmark {
    static func run(_ options: Options) async throws {
        let root = options.string("fixtures", "Fixtures")
        let files = [("padding", try options.required("padding")), ("signature", try options.required("signature"))]
        let responses = try files.map { name, path in (name, try String(contentsOfFile: path, encoding: .utf8)) }
        let rounds = options.int("rounds", 20)
        let validatorRounds = options.int("validator-rounds", 500)
        let instant = SAMLInstant.parse("2026-06-01T12:00:00Z")!

        var config = GatehouseConfig(externalURL: "https://sp.example.com", upstreams: [.init(url: "http://127.0.0.1:9")])
        config.serviceProvider = ServiceProviderSettings(keyPath: root + "/keys/sp.key", certificatePath: root + "/keys/sp.crt")
        var settings = IdentityProviderSettings(entityID: "https://idp.example.com/metadata")
        settings.allowCBC = true
        config.identityProviders = [settings]
        let metadata = try Data(contentsOf: URL(fileURLWithPath: root + "/saml/metadata/idp.xml"))
        let registry = try IdentityProviderRegistry(documents: [("idp.xml", Array(metadata))])
        let keys = try ServiceProviderKeys.load(config.serviceProvider)
        let resolved = try ResolvedConfig(config: config, serviceProviderKeys: keys, registry: registry)
        let service = SAMLLoginService(resolved: resolved, clock: ManualWallClock(instant))
        let provider = try require(registry.entry("https://idp.example.com/metadata")).provider
        let policy = IdentityProviderPolicy(entityID: provider.entityID, config: config).validationPolicy(
            audience: config.entityID, assertionConsumerServiceURL: config.endpointURL("acs"),
            decryptionKeys: keys?.decryptionKeys ?? [], answersRequest: true)
        let pending = PendingLogin(
            relayState: SessionID.generate(), requestID: "_req-3c8d41a2", idpEntityID: provider.entityID, returnPath: "/",
            browserBindingHash: SessionID.hash("bench"), expiresAt: instant.addingTimeInterval(300))

        var validatorTimes: [String: [Double]] = [:]
        var codes: [String: String] = [:]
        for _ in 0..<validatorRounds {
            for (name, text) in responses {
                let validator = ResponseValidator(policy: policy, replayCache: InMemoryReplayCache())
                let start = ContinuousClock.now
                do {
                    _ = try await validator.validate(
                        posted: text, identityProviders: [provider], expectedRequestID: "_req-3c8d41a2", now: instant)
                    codes[name] = "accepted"
                } catch {
                    codes[name] = error.code.rawValue
                }
                validatorTimes[name, default: []].append(microseconds(ContinuousClock.now - start))
            }
        }
        var serviceTimes: [String: [Double]] = [:]
        var serviceCodes: [String: String] = [:]
        for _ in 0..<rounds {
            for (name, text) in responses {
                let start = ContinuousClock.now
                do {
                    _ = try await service.completeLogin(samlResponse: text, pending: pending)
                    serviceCodes[name] = "accepted"
                } catch {
                    serviceCodes[name] = error.code.name
                }
                serviceTimes[name, default: []].append(microseconds(ContinuousClock.now - start))
            }
        }
        for (name, _) in responses {
            report(layer: "validator", path: name, code: codes[name] ?? "", times: validatorTimes[name] ?? [])
        }
        for (name, _) in responses {
            report(layer: "login-service", path: name, code: serviceCodes[name] ?? "", times: serviceTimes[name] ?? [])
        }
    }

    static func microseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }

    static func report(layer: String, path: String, code: String, times: [Double]) {
        let sorted = times.sorted()
        func percentile(_ p: Double) -> Int {
            guard !sorted.isEmpty else { return 0 }
            return Int(sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))].rounded())
        }
        print(
            "{\"benchmark\":\"cbc-timing\",\"layer\":\"\(layer)\",\"path\":\"\(path)\",\"code\":\"\(code)\",\"n\":\(sorted.count),"
                + "\"min_us\":\(percentile(0)),\"p50_us\":\(percentile(0.5)),\"p90_us\":\(percentile(0.9)),"
                + "\"p99_us\":\(percentile(0.99)),\"max_us\":\(percentile(1))}")
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw BenchError("the IdP fixture is not registered") }
    return value
}
