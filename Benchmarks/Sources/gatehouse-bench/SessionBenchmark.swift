import Foundation
import Gatehouse

/// `sessions-memory` and `sessions-sqlite`: resident memory per session and lookup latency of
/// the session stores, through their public API.
enum SessionBenchmark {
    /// The identity every benchmark session carries: 10 attributes, 12 groups, like a real login.
    static func identity(_ n: Int) -> SessionIdentity {
        let groups = (0..<12).map { "CN=group-\($0),OU=Groups,OU=Corp,DC=example,DC=com" }
        return SessionIdentity(
            nameID: "user\(n)@example.com",
            nameIDFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
            issuer: "https://idp.example.com/metadata",
            sessionIndex: "_session-\(n)",
            attributes: [
                "email": ["user\(n)@example.com"], "givenName": ["Ada"], "surname": ["Lovelace"],
                "displayName": ["Ada Lovelace"], "username": ["user\(n)"], "groups": groups,
                "department": ["Research & Development"], "title": ["Principal Engineer"],
                "employeeNumber": ["\(100000 + n)"], "eduPersonPrincipalName": ["user\(n)@example.com"],
            ])
    }

    static func memory(_ options: Options) async throws {
        let count = options.int("count", 100_000)
        let lookups = options.int("lookups", 20_000)
        let store = MemorySessionStore(timeouts: SessionTimeouts.standard)
        let before = Measurement.currentRSSBytes()
        var sample: [String] = []
        let fillStart = Measurement.now()
        for n in 0..<count {
            let id = await store.create(identity: identity(n))
            if n % max(1, count / 1000) == 0 { sample.append(id) }
        }
        let fillSeconds = Measurement.now() - fillStart
        let after = Measurement.currentRSSBytes()
        let latencies = try await lookup(sample, lookups: lookups) { id in await store.get(id) != nil }
        Measurement.emit([
            "store": "memory", "sessions": count, "fill_s": fillSeconds,
            "rss_before": before, "rss_after": after, "bytes_per_session": Double(after - before) / Double(count),
            "lookup_p50_us": Measurement.percentile(latencies, 0.5) * 1e6,
            "lookup_p99_us": Measurement.percentile(latencies, 0.99) * 1e6,
        ])
    }

    static func sqlite(_ options: Options) async throws {
        let path = try options.required("db")
        let ids = try BenchFiles.lines(try options.required("ids"))
        let lookups = options.int("lookups", 20_000)
        let before = Measurement.currentRSSBytes()
        let store = try openStore(path)
        let sessions = try await store.count()
        let latencies = try await lookup(ids, lookups: lookups) { id in try await store.get(id) != nil }
        let after = Measurement.currentRSSBytes()
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        Measurement.emit([
            "store": "sqlite", "sessions": sessions, "rss_before": before, "rss_after": after,
            "rss_bytes_per_session": Double(after - before) / Double(max(1, sessions)),
            "file_bytes_per_session": Double(fileBytes) / Double(max(1, sessions)),
            "lookup_p50_us": Measurement.percentile(latencies, 0.5) * 1e6,
            "lookup_p99_us": Measurement.percentile(latencies, 0.99) * 1e6,
            "peak_rss": Measurement.peakRSSBytes(),
        ])
    }

    // Synchronous: typed throws inside an async function crash the Swift 6.2 release optimizer.
    static func openStore(_ path: String) throws -> SQLiteSessionStore {
        do {
            // Without a CachedSessionStore: this measures the database lookup itself.
            return try SQLiteSessionStore(path: path, timeouts: SessionTimeouts.standard)
        } catch {
            throw BenchError("cannot open \(path): \(error)")
        }
    }

    /// Times `lookups` calls of `get` on ids drawn at random from `ids`; each must find a session.
    static func lookup(_ ids: [String], lookups: Int, _ get: (String) async throws -> Bool) async throws -> [Double] {
        guard !ids.isEmpty else { throw BenchError("no session ids to look up") }
        var generator = SystemRandomNumberGenerator()
        var latencies: [Double] = []
        latencies.reserveCapacity(lookups)
        for _ in 0..<lookups {
            let id = ids[Int.random(in: 0..<ids.count, using: &generator)]
            let started = Measurement.now()
            guard try await get(id) else { throw BenchError("session lookup found nothing") }
            latencies.append(Measurement.now() - started)
        }
        return latencies
    }
}
