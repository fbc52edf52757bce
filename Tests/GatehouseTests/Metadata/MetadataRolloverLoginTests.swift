import Foundation
import Gatehouse
import SAML
import Testing

/// An IdP's signing-key rollover published through a URL source: real signed responses keep
/// signing in while the metadata lists both certificates, without a restart.
@Suite struct MetadataRolloverLoginTests {
    static let externalURL = "https://gw.test"

    /// Whether the running login service accepts a response signed with `key`.
    static func accepts(_ setup: MetadataRefreshTests.Setup, signedWith key: String) async throws -> Bool {
        let response = try FederationResponses.response(signedWith: key, externalURL: externalURL)
        do {
            let completion = try await setup.gateway.loginService.completeLogin(
                samlResponse: response, pending: FederationResponses.pending)
            return completion.identity.issuer == MetadataRefreshTests.entityID
        } catch {
            #expect(error.code == .saml(.signatureInvalid))
            return false
        }
    }

    @Test func loginsKeepWorkingThroughASigningKeyRollover() async throws {
        try await MetadataRefreshTests.withServer { server, url, folder in
            let setup = try MetadataRefreshTests.Setup(url: url, folder: folder, clock: ManualWallClock(PolicyIdPs.instant))
            server.publish(try MetadataRefreshTests.document(certificates: ["idp-rsa"]), etag: "\"v1\"")
            #expect(await setup.refresher.refresh(0) == "updated")
            #expect(try await Self.accepts(setup, signedWith: "idp-rsa"))
            #expect(try await !Self.accepts(setup, signedWith: "idp-rsa2"))
            // The IdP announces its next key beside the current one: both sign in.
            server.publish(try MetadataRefreshTests.document(certificates: ["idp-rsa", "idp-rsa2"]), etag: "\"v2\"")
            #expect(await setup.refresher.refresh(0) == "updated")
            #expect(try await Self.accepts(setup, signedWith: "idp-rsa"))
            #expect(try await Self.accepts(setup, signedWith: "idp-rsa2"))
            // The old key is retired: only the new one signs in.
            server.publish(try MetadataRefreshTests.document(certificates: ["idp-rsa2"]), etag: "\"v3\"")
            #expect(await setup.refresher.refresh(0) == "updated")
            #expect(try await Self.accepts(setup, signedWith: "idp-rsa2"))
            #expect(try await !Self.accepts(setup, signedWith: "idp-rsa"))
            #expect(setup.refreshes("updated") == "3")
            let lines = setup.logs.lines.filter { $0.contains("metadata refreshed") && $0.contains(url) }
            #expect(lines.count == 3)
            #expect(lines.allSatisfy { $0.contains("metadata.idps=1") })
        }
    }
}
