import Foundation

extension ConfigCheck {
    /// The `metadata_sources` list: an http(s) URL each, listed once, a readable certificate,
    /// a cache file whose folder exists, and refresh bounds in order.
    func metadataSourceProblems(_ sources: [MetadataSourceSettings]) -> [ConfigProblem] {
        var found: [ConfigProblem] = []
        var seen: Set<String> = []
        for source in sources {
            let scheme = URL(string: source.url)?.scheme?.lowercased()
            if scheme != "https" && scheme != "http" || URL(string: source.url)?.host == nil {
                found.append(.init(.error, "metadata_sources: '\(source.url)' is not an http(s) URL."))
            } else if scheme == "http" {
                found.append(
                    .init(
                        .warning,
                        "metadata_sources: \(source.url) is plain http; the signature still protects it, but prefer https."))
            }
            if !seen.insert(source.url).inserted {
                found.append(.init(.error, "metadata_sources: \(source.url) is listed twice; keep one entry per URL."))
            }
            if !FileManager.default.isReadableFile(atPath: source.certificate) {
                found.append(
                    .init(
                        .error,
                        "metadata_sources: the certificate \(source.certificate) for \(source.url) cannot be read; "
                            + "every fetched document must be signed by it."))
            }
            let folder = (source.cacheFile as NSString).deletingLastPathComponent
            if source.cacheFile.isEmpty || !Self.isDirectory(folder.isEmpty ? "." : folder) {
                found.append(
                    .init(.error, "metadata_sources: the cache_file folder for \(source.url) does not exist; create it."))
            }
            if source.minRefresh.seconds < 1 || source.maxRefresh.seconds < source.minRefresh.seconds {
                found.append(
                    .init(.error, "metadata_sources: \(source.url) needs 0 < min_refresh <= max_refresh."))
            }
            if let onDemand = source.onDemand { found += onDemandProblems(onDemand, url: source.url) }
        }
        return found
    }

    /// An `on_demand` section: it must say which entities may be fetched (patterns, or
    /// `allow_any` explicitly, never both) and keep every limit positive.
    func onDemandProblems(_ onDemand: MetadataOnDemandSettings, url: String) -> [ConfigProblem] {
        var found: [ConfigProblem] = []
        if onDemand.allow.isEmpty && !onDemand.allowAny {
            found.append(
                .init(
                    .error,
                    "metadata_sources: \(url) on_demand needs `allow` (entity ID patterns) or `allow_any: true`; "
                        + "nothing would be fetched."))
        }
        if !onDemand.allow.isEmpty && onDemand.allowAny {
            found.append(
                .init(.error, "metadata_sources: \(url) on_demand sets both `allow` and `allow_any`; keep the one you mean."))
        }
        for pattern in onDemand.allow where !MetadataOnDemandSettings.isPlausible(pattern) {
            found.append(.init(.error, "metadata_sources: \(url) on_demand pattern '\(pattern)' can match no entity ID."))
        }
        if onDemand.maxEntities < 1 || onDemand.maxFetchesPerMinute < 1 || onDemand.timeout.seconds < 1 {
            found.append(
                .init(
                    .error, "metadata_sources: \(url) on_demand needs max_entities, max_fetches_per_minute and timeout above 0."))
        }
        if onDemand.allowAny {
            found.append(
                .init(
                    .warning,
                    "metadata_sources: \(url) on_demand allow_any trusts every IdP the MDQ service signs for; "
                        + "prefer `allow` patterns."))
        }
        return found
    }

    /// The `.xml` files in `directory`, sorted; none when it cannot be read.
    static func xmlFiles(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.lowercased().hasSuffix(".xml") }.sorted()
    }
}
