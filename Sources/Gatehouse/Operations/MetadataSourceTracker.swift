public import AsyncHTTPClient
import Foundation
public import Logging
import SAML

/// What Gatehouse holds for each of its metadata sources: the last verified copy, the
/// validators for the next conditional GET, and when the next fetch is due.
///
/// A fetch that fails in any way (unreachable, HTTP error, bad signature, expired, unusable
/// IdP) changes nothing but the retry time: the last good copy stays in use. Each outcome is
/// counted in `gatehouse_metadata_refresh_total{source,outcome}` and each failure logged in one
/// line naming the source and the reason.
public actor MetadataSourceTracker {
    /// Called after a new verified copy was written to its cache file; rebuilds the registry
    /// (from ``verifiedCopies()``, which already holds the new copy, or from disk) and swaps it
    /// in. A throw puts the previous copy back.
    public typealias UpdateHandler = @Sendable () async throws -> Void

    struct State {
        var etag: String?
        var lastModified: String?
        var copy: SignedMetadataCopy?
        var due: Date
    }

    /// The sources, in configuration order (they change on ``reconfigure(_:)``).
    public private(set) var sources: [MetadataSourceSettings]
    let metrics: GatehouseMetrics
    let logger: Logger
    let clock: any WallClock
    let fetcher: MetadataFetcher
    var states: [State]

    /// A tracker of `sources` (MDQ sources already split into ``MetadataSourceSettings/documents``),
    /// starting from their verified copies on disk, if any; every source is due at once.
    public init(
        sources: [MetadataSourceSettings], metrics: GatehouseMetrics, logger: Logger, clock: any WallClock = SystemWallClock(),
        client: HTTPClient = .shared
    ) {
        self.sources = sources
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
        fetcher = MetadataFetcher(client: client)
        let now = clock.now
        states = sources.map { source in Self.startingState(of: source, metrics: metrics, due: now) }
    }

    /// The state of a source before its first fetch: its verified copy on disk, if any.
    private static func startingState(of source: MetadataSourceSettings, metrics: GatehouseMetrics, due: Date) -> State {
        let copy = try? IdentityProviderRegistry.cachedCopy(of: source)
        if let copy { metrics.metadataInUse(source: source.url, validUntil: copy.validUntil) }
        return State(copy: copy, due: due)
    }

    /// Takes the sources of a reloaded configuration (MDQ sources already split into
    /// documents). A source whose settings did not change keeps its copy, validators and
    /// schedule; a new or changed one starts from its copy on disk and is due at once; one no
    /// longer listed is dropped, from `/readyz` and the validity gauge too.
    public func reconfigure(_ new: [MetadataSourceSettings]) {
        guard new != sources else { return }
        let now = clock.now
        let kept = new.map { source in
            sources.firstIndex(of: source).map { states[$0] } ?? Self.startingState(of: source, metrics: metrics, due: now)
        }
        for removed in Set(sources.map(\.url)).subtracting(new.map(\.url)) { metrics.metadataNotInUse(source: removed) }
        sources = new
        states = kept
        logger.info("metadata sources reloaded", metadata: ["metadata.sources": "\(new.map(\.url))"])
    }

    /// The earliest instant a source is due.
    func nextDue() -> Date {
        states.map(\.due).min() ?? clock.now.addingTimeInterval(3_600)
    }

    /// Fetches every source that is due at `now`; returns their outcomes in source order.
    func refreshDue(onUpdate: UpdateHandler?) async -> [String] {
        var outcomes: [String] = []
        for index in states.indices where states[index].due <= clock.now {
            outcomes.append(await refresh(index, onUpdate: onUpdate))
        }
        return outcomes
    }

    /// Fetches source `index` once, whether due or not, and returns the outcome label:
    /// `updated`, `not_modified`, or a ``MetadataRefreshError/Code`` raw value.
    @discardableResult
    public func refresh(_ index: Int, onUpdate: UpdateHandler?) async -> String {
        let source = sources[index]
        let outcome: String
        do {
            outcome = try await fetchAndInstall(index, onUpdate: onUpdate)
            states[index].due = clock.now.addingTimeInterval(interval(source, copy: states[index].copy))
        } catch {
            outcome = error.code.rawValue
            states[index].due = clock.now.addingTimeInterval(source.minRefresh.timeInterval)
            logger.error(
                "metadata refresh failed; the last good copy (if any) stays in use",
                metadata: [
                    "metadata.source": "\(source.url)", "metadata.outcome": "\(outcome)", "metadata.problem": "\(error.detail)",
                ])
        }
        metrics.metadataRefresh(source: source.url, outcome: outcome)
        return outcome
    }

    private func fetchAndInstall(_ index: Int, onUpdate: UpdateHandler?) async throws(MetadataRefreshError) -> String {
        let source = sources[index]
        let state = states[index]
        guard let (copy, etag, lastModified, previous) = try await fetchVerifyWrite(source, state: state) else {
            logger.debug("metadata not modified", metadata: ["metadata.source": "\(source.url)"])
            return "not_modified"
        }
        // Installed before `onUpdate`, which builds the registry from ``verifiedCopies()``.
        states[index].copy = copy
        do {
            try await onUpdate?()
        } catch {
            states[index].copy = state.copy
            previous?.restore()
            throw MetadataRefreshError(.malformed, "the registry refused it: \(error)")
        }
        previous?.discard()
        states[index].etag = etag
        states[index].lastModified = lastModified
        metrics.metadataInUse(source: source.url, validUntil: copy.validUntil)
        logger.info(
            "metadata refreshed",
            metadata: [
                "metadata.source": "\(source.url)", "metadata.idps": "\(copy.metadata.identityProviderEntities.count)",
                "metadata.valid_until": "\(copy.validUntil.map { $0.formatted(.iso8601) } ?? "none")",
            ])
        return "updated"
    }

    /// Fetches `source`; a new document is verified, checked and written to the cache file.
    /// Nil when the server answered 304. The fetched bytes live only in here, so they are
    /// released before the registry is built.
    private func fetchVerifyWrite(
        _ source: MetadataSourceSettings, state: State
    ) async throws(MetadataRefreshError) -> (SignedMetadataCopy, String?, String?, PreviousCacheFile?)? {
        let answer = try await fetcher.fetch(
            source.url, etag: state.copy == nil ? nil : state.etag, lastModified: state.copy == nil ? nil : state.lastModified,
            timeout: source.timeout.duration)
        guard case .document(let bytes, let etag, let lastModified) = answer else { return nil }
        let keys = try SignedMetadataCopy.trustedKeys(certificateAt: source.certificate)
        let copy = try SignedMetadataCopy(verifying: bytes, trustedKeys: keys)
        try source.checkEntity(of: copy)
        if let validUntil = copy.validUntil, validUntil <= clock.now {
            throw MetadataRefreshError(.expired, "validUntil \(validUntil.formatted(.iso8601)) is in the past")
        }
        let previous = PreviousCacheFile(keeping: source.cacheFile)
        do {
            try Self.write(bytes, to: source.cacheFile)
        } catch {
            previous?.discard()
            throw error
        }
        return (copy, etag, lastModified, previous)
    }

    /// The verified copy of every source that has one, with the settings it verified under:
    /// what the refresher builds the registry from (see
    /// ``IdentityProviderRegistry/load(config:now:verified:)``).
    public func verifiedCopies() -> [VerifiedMetadataCopy] {
        zip(sources, states).compactMap { source, state in state.copy.map { (source, $0) } }
    }

    private static func write(_ bytes: [UInt8], to path: String) throws(MetadataRefreshError) {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw MetadataRefreshError(.cacheWriteFailed, "\(path): \(error.localizedDescription)")
        }
    }

    /// The wait before the next fetch: the copy's `cacheDuration` (else `max_refresh`), kept
    /// within `min_refresh`...`max_refresh`.
    private func interval(_ source: MetadataSourceSettings, copy: SignedMetadataCopy?) -> TimeInterval {
        let wanted = copy?.cacheDuration ?? source.maxRefresh.timeInterval
        return min(max(wanted, source.minRefresh.timeInterval), source.maxRefresh.timeInterval)
    }
}

/// The cache file as it was before a new copy replaced it, kept until the new copy is in use:
/// as a hard link beside it, so an aggregate is not read into memory, or (where no link can be
/// made) as its bytes.
struct PreviousCacheFile {
    let path: String
    let backup: String
    let bytes: Data?

    /// Keeps the current file at `path`; nil when there is none.
    init?(keeping path: String) {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        self.path = path
        backup = path + ".previous"
        try? FileManager.default.removeItem(atPath: backup)
        if (try? FileManager.default.linkItem(atPath: path, toPath: backup)) != nil {
            bytes = nil
        } else {
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            bytes = data
        }
    }

    /// Puts the kept file back in place of the new one.
    func restore() {
        if let bytes {
            try? bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        } else {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.moveItem(atPath: backup, toPath: path)
        }
    }

    /// Drops the kept file.
    func discard() {
        if bytes == nil { try? FileManager.default.removeItem(atPath: backup) }
    }
}
