import Foundation
import Gatehouse
import Testing

/// MDQ sources: one signed document per entity from `{base}/entities/{encoded entity ID}`.
@Suite struct MetadataQueryTests {
    static func source(base: String, folder: String, entities: [String]) -> MetadataSourceSettings {
        var source = MetadataSourceSettings(
            url: base, certificate: TestPaths.fixture("keys/sp2.crt"), cacheFile: folder + "/mdq", timeout: .init(seconds: 2))
        source.entities = entities
        return source
    }

    @Test func eachEntityHasItsOwnEncodedURLAndCacheFile() {
        let documents = Self.source(base: "https://mdq.example/", folder: "/var/gh", entities: ["https://idp.example/a b"]).documents
        #expect(documents.map(\.url) == ["https://mdq.example/entities/https%3A%2F%2Fidp.example%2Fa%20b"])
        // SHA-1 of the entity ID, as MDQ's {sha1} identifiers.
        #expect(documents.map(\.cacheFile) == ["/var/gh/mdq.c62cb73aceecf854f70e68060dffb4e022b661e6"])
    }

    @Test func anEntityIsFetchedVerifiedAndRegistered() async throws {
        try await MetadataRefreshTests.withServer { server, url, folder in
            let base = url.replacingOccurrences(of: "/metadata.xml", with: "")
            server.publish(try MetadataRefreshTests.document(), etag: "\"v1\"")
            let setup = try MetadataRefreshTests.Setup(
                source: Self.source(base: base, folder: folder, entities: [MetadataRefreshTests.entityID]), folder: folder)
            #expect(await setup.refresher.refresh(0) == "updated")
            #expect(server.targets == ["/entities/https%3A%2F%2Fidp.federation.test%2Fidp"])
            #expect(setup.signingKeyCount == 1)
        }
    }

    @Test func anAnswerForAnotherEntityIsRefused() async throws {
        try await MetadataRefreshTests.withServer { server, url, folder in
            let base = url.replacingOccurrences(of: "/metadata.xml", with: "")
            // Signed by the federation, but not the entity asked for.
            server.publish(try MetadataRefreshTests.document(), etag: "\"v1\"")
            let setup = try MetadataRefreshTests.Setup(
                source: Self.source(base: base, folder: folder, entities: ["https://other.test/idp"]), folder: folder)
            #expect(await setup.refresher.refresh(0) == "malformed")
            #expect(setup.failureLine("malformed")?.contains("asked for https://other.test/idp") == true)
            #expect(setup.signingKeyCount == nil)
        }
    }
}
