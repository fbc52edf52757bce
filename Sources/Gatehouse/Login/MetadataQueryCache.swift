public import AsyncHTTPClient
import Foundation
public import Logging
import SAML

/// IdPs fetched from MDQ services the first time a login or an inbound SAML message names them
/// (sources with ``MetadataSourceSettings/onDemand``), kept in memory.
///
/// Whoever posts to the ACS or the SLO endpoints chooses the Issuer, so everything here is
/// bounded: only entity IDs the source admits are asked for, at the source's own base URL;
/// one query per entity runs at a time and every caller waits for it; a query takes at most
/// the configured timeout; a refusal is remembered for `negative_cache`; a source sends at most
/// `max_fetches_per_minute` queries; at most `max_entities` answers are held. An answer is
/// trusted only when its root signature verifies with the source's certificate and it describes
/// exactly the entity asked for; it is kept for its `cacheDuration` (within the source's
/// `min_refresh`...`max_refresh`) and never past its `validUntil`.
///
/// Each lookup is counted in `gatehouse_metadata_query_total{source,outcome}`.
public actor MetadataQueryCache {
    /// What a query gave.
    enum Answer: Sendable {
        case entry(IdentityProviderRegistry.Entry, keepFor: TimeInterval)
        case refused(MetadataRefreshError)
    }

    struct Remembered {
        var answer: Answer
        var source: String
        var until: Date
        var lastUse: UInt64
    }

    /// The sources that fetch on demand, in configuration order.
    private(set) var sources: [MetadataSourceSettings]
    let metrics: GatehouseMetrics
    let logger: Logger
    let clock: any WallClock
    let fetcher: MetadataFetcher
    private var remembered: [String: Remembered] = [:]
    private var inFlight: [String: Task<Answer, Never>] = [:]
    private var recentQueries: [String: [Date]] = [:]
    private var uses: UInt64 = 0

    /// The largest answer accepted for one entity.
    static let maxBytes = 4 << 20

    /// A cache for the on-demand sources among `sources`.
    public init(
        sources: [MetadataSourceSettings], metrics: GatehouseMetrics, logger: Logger, clock: any WallClock = SystemWallClock(),
        client: HTTPClient = .shared
    ) {
        self.sources = sources.filter { $0.onDemand != nil }
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
        fetcher = MetadataFetcher(client: client)
    }

    /// Takes the on-demand sources of a reloaded configuration. When they changed, every
    /// remembered answer is forgotten: a new certificate or allow-list applies to the next lookup.
    public func configure(_ sources: [MetadataSourceSettings]) {
        let onDemand = sources.filter { $0.onDemand != nil }
        guard onDemand != self.sources else { return }
        self.sources = onDemand
        remembered = [:]
        recentQueries = [:]
    }

    /// How many entities (fetched or refused) are held.
    public var count: Int { remembered.count }

    /// The IdP `entityID`, from memory or from the first on-demand source that admits it.
    /// ``LoginFailure/Code/unknownIdP`` when no source may fetch it or the service has no such
    /// entity; ``LoginFailure/Code/metadataExpired`` for an answer past its `validUntil`;
    /// ``LoginFailure/Code/metadataUnavailable`` for any other failure.
    public func entry(_ entityID: String) async throws(LoginFailure) -> IdentityProviderRegistry.Entry {
        guard let source = sources.first(where: { $0.onDemand?.admits(entityID) == true }), let onDemand = source.onDemand else {
            metrics.metadataQuery(source: "none", outcome: "not_allowed")
            logger.debug("metadata query not allowed", metadata: ["metadata.entity": "\(entityID)"])
            throw LoginFailure(.unknownIdP, detail: "no IdP \(entityID) is registered and no MDQ source may fetch it", idp: entityID)
        }
        let now = clock.now
        uses += 1
        if var known = remembered[entityID], known.until > now {
            known.lastUse = uses
            remembered[entityID] = known
            switch known.answer {
            case .entry(let entry, _) where (entry.validUntil ?? .distantFuture) > now:
                metrics.metadataQuery(source: source.url, outcome: "hit")
                return entry
            case .refused(let error):
                metrics.metadataQuery(source: source.url, outcome: "negative_hit")
                throw Self.failure(error, entityID: entityID, source: known.source, remembered: true)
            case .entry:
                break
            }
        }
        let answer: Answer
        if let running = inFlight[entityID] {
            answer = await running.value
        } else {
            guard admitQuery(source: source.url, limit: onDemand.maxFetchesPerMinute, now: now) else {
                metrics.metadataQuery(source: source.url, outcome: "rate_limited")
                logger.warning(
                    "metadata query refused: too many queries this minute",
                    metadata: [
                        "metadata.source": "\(source.url)", "metadata.entity": "\(entityID)",
                        "metadata.limit": "\(onDemand.maxFetchesPerMinute)",
                    ])
                throw LoginFailure(
                    .metadataUnavailable, detail: "\(source.url) was asked \(onDemand.maxFetchesPerMinute) times this minute",
                    idp: entityID)
            }
            let document = source.document(for: entityID, identifier: onDemand.identifier)
            let fetcher = fetcher
            let now = clock.now
            let task = Task { await Self.query(document, timeout: onDemand.timeout.duration, fetcher: fetcher, now: now) }
            inFlight[entityID] = task
            answer = await task.value
            inFlight[entityID] = nil
            record(answer, for: entityID, document: document, source: source.url, onDemand: onDemand)
        }
        switch answer {
        case .entry(let entry, _): return entry
        case .refused(let error): throw Self.failure(error, entityID: entityID, source: source.url, remembered: false)
        }
    }

    /// Remembers `answer`, logs and counts it, and keeps the table within `max_entities`.
    /// The metric is labelled with the source's base URL (`source`), never the entity's own.
    private func record(
        _ answer: Answer, for entityID: String, document: MetadataSourceSettings, source: String, onDemand: MetadataOnDemandSettings
    ) {
        let now = clock.now
        let keepFor: TimeInterval
        switch answer {
        case .entry(let entry, let wanted):
            keepFor = min(max(wanted, document.minRefresh.timeInterval), document.maxRefresh.timeInterval)
            metrics.metadataQuery(source: source, outcome: "fetched")
            logger.info(
                "metadata fetched on demand",
                metadata: [
                    "metadata.source": "\(document.url)", "metadata.entity": "\(entityID)",
                    "metadata.valid_until": "\(entry.validUntil.map { $0.formatted(.iso8601) } ?? "none")",
                    "metadata.kept_seconds": "\(Int(keepFor))",
                ])
        case .refused(let error):
            keepFor = onDemand.negativeCache.timeInterval
            metrics.metadataQuery(source: source, outcome: error.code.rawValue)
            logger.warning(
                "metadata query failed; the entity is refused until the next query",
                metadata: [
                    "metadata.source": "\(document.url)", "metadata.entity": "\(entityID)",
                    "metadata.outcome": "\(error.code.rawValue)", "metadata.problem": "\(error.detail)",
                    "metadata.retry_seconds": "\(Int(keepFor))",
                ])
        }
        uses += 1
        remembered[entityID] = Remembered(answer: answer, source: document.url, until: now.addingTimeInterval(keepFor), lastUse: uses)
        while remembered.count > onDemand.maxEntities, let oldest = remembered.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            remembered[oldest] = nil
        }
    }

    /// Whether `source` may send one more query at `now`; counts it when it may.
    private func admitQuery(source: String, limit: Int, now: Date) -> Bool {
        var recent = (recentQueries[source] ?? []).filter { now.timeIntervalSince($0) < 60 }
        defer { recentQueries[source] = recent }
        guard recent.count < limit else { return false }
        recent.append(now)
        return true
    }

    /// One query: fetched within `timeout`, verified with the source's certificate, checked
    /// to describe exactly the entity asked for and to be valid at `now`.
    private static func query(_ document: MetadataSourceSettings, timeout: Duration, fetcher: MetadataFetcher, now: Date) async
        -> Answer
    {
        do throws(MetadataRefreshError) {
            let bytes = try await withDeadline(timeout) {
                () async throws(MetadataRefreshError) -> [UInt8] in
                let answer = try await fetcher.fetch(
                    document.url, etag: nil, lastModified: nil, timeout: timeout, maxBytes: Self.maxBytes)
                guard case .document(let bytes, _, _) = answer else {
                    throw MetadataRefreshError(.httpStatus, "the server answered 304 to an unconditional request")
                }
                return bytes
            }
            let keys = try SignedMetadataCopy.trustedKeys(certificateAt: document.certificate)
            let copy = try SignedMetadataCopy(verifying: bytes, trustedKeys: keys)
            try document.checkEntity(of: copy)
            if let validUntil = copy.validUntil, validUntil <= now {
                throw MetadataRefreshError(.expired, "validUntil \(validUntil.formatted(.iso8601)) is in the past")
            }
            let registry: IdentityProviderRegistry
            do {
                registry = try IdentityProviderRegistry(metadata: [(document.url, copy.metadata)])
            } catch {
                throw MetadataRefreshError(.malformed, error.description)
            }
            guard let entry = document.expectedEntityID.flatMap(registry.entry) else {
                throw MetadataRefreshError(.malformed, "the answer describes no IdP role for the entity")
            }
            return .entry(entry, keepFor: copy.cacheDuration ?? document.maxRefresh.timeInterval)
        } catch {
            return .refused(error)
        }
    }

    /// Runs `body`, giving up with ``MetadataRefreshError/Code/unreachable`` after `timeout`
    /// whatever the HTTP client's own timeouts do with a slow body.
    private static func withDeadline<Value: Sendable>(
        _ timeout: Duration, _ body: @escaping @Sendable () async throws(MetadataRefreshError) -> Value
    ) async throws(MetadataRefreshError) -> Value {
        let result = await withTaskGroup(of: Result<Value, MetadataRefreshError>?.self) { group in
            group.addTask {
                do throws(MetadataRefreshError) {
                    return .success(try await body())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let result else { throw MetadataRefreshError(.unreachable, "no answer within \(timeout)") }
        return try result.get()
    }

    /// The login failure for a refused query.
    private static func failure(_ error: MetadataRefreshError, entityID: String, source: String, remembered: Bool) -> LoginFailure {
        let detail = "\(source): \(error.description)" + (remembered ? " (remembered from an earlier query)" : "")
        switch error.code {
        case .notFound: return LoginFailure(.unknownIdP, detail: detail, idp: entityID)
        case .expired: return LoginFailure(.metadataExpired, detail: detail, idp: entityID)
        default: return LoginFailure(.metadataUnavailable, detail: detail, idp: entityID)
        }
    }
}
