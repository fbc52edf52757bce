import Foundation
import Gatehouse
import Testing

/// `metadata_sources` in the file: decoded, checked, and the folder optional beside it.
@Suite struct MetadataSourceConfigTests {
    func config(_ sources: [MetadataSourceSettings], folder: String) -> GatehouseConfig {
        var config = GatehouseConfig(externalURL: "https://app.example.com", upstreams: [.init(url: "http://127.0.0.1:3000")])
        config.idpMetadataDirectory = folder + "/idps"
        config.session.path = folder + "/sessions.sqlite"
        config.metadataSources = sources
        config.serviceProvider = .init(
            keyPath: TestPaths.fixture("keys/sp.key"), certificatePath: TestPaths.fixture("keys/sp.crt"))
        return config
    }

    func messages(_ config: GatehouseConfig) -> [String] {
        ConfigCheck(now: Date()).problems(in: config).map(\.message)
    }

    @Test func aGoodSourceNeedsNoMetadataFolder() throws {
        let folder = try TestPaths.scratchDirectory()
        let source = MetadataSourceSettings(
            url: "https://mds.example/idps.xml", certificate: TestPaths.fixture("keys/sp2.crt"), cacheFile: folder + "/copy.xml")
        #expect(messages(config([source], folder: folder)) == [])
    }

    @Test func badSourcesAreNamed() throws {
        let folder = try TestPaths.scratchDirectory()
        let url = MetadataSourceSettings(
            url: "ftp://mds.example/x", certificate: TestPaths.fixture("keys/sp2.crt"), cacheFile: folder + "/a.xml")
        let certificate = MetadataSourceSettings(
            url: "https://a.example/x", certificate: folder + "/none.crt", cacheFile: folder + "/b.xml")
        let cache = MetadataSourceSettings(
            url: "https://b.example/x", certificate: TestPaths.fixture("keys/sp2.crt"), cacheFile: folder + "/missing/c.xml")
        let bounds = MetadataSourceSettings(
            url: "https://c.example/x", certificate: TestPaths.fixture("keys/sp2.crt"), cacheFile: folder + "/d.xml",
            minRefresh: .hours(2), maxRefresh: .hours(1))
        let found = messages(config([url, certificate, cache, bounds, bounds], folder: folder))
        #expect(found.contains { $0.contains("ftp://mds.example/x") && $0.contains("not an http(s) URL") })
        #expect(found.contains { $0.contains("none.crt") && $0.contains("cannot be read") })
        #expect(found.contains { $0.contains("cache_file folder for https://b.example/x") })
        #expect(found.contains { $0.contains("https://c.example/x needs 0 < min_refresh <= max_refresh") })
        #expect(found.contains { $0.contains("https://c.example/x is listed twice") })
    }

    @Test func theFileDecodesSourcesWithDefaults() throws {
        let folder = try TestPaths.scratchDirectory()
        let path = folder + "/gatehouse.yaml"
        try """
        external_url: https://app.example.com
        upstreams: [{ url: "http://127.0.0.1:3000" }]
        metadata_sources:
          - url: https://mds.example/idps.xml
            certificate: /etc/fed.crt
            cache_file: /var/lib/gatehouse/fed.xml
            max_refresh: 6h
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let source = try #require(try GatehouseLauncher.loadConfig(path: path).metadataSources.first)
        #expect(source.url == "https://mds.example/idps.xml")
        #expect(source.cacheFile == "/var/lib/gatehouse/fed.xml")
        #expect(source.minRefresh == .minutes(5))
        #expect(source.maxRefresh == .hours(6))
    }
}
