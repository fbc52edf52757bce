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
        }
        return found
    }

    /// The `.xml` files in `directory`, sorted; none when it cannot be read.
    static func xmlFiles(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.lowercased().hasSuffix(".xml") }.sorted()
    }
}
