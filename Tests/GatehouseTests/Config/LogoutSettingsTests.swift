import Foundation
import Gatehouse
import Testing

/// `logout.return_to` is read from the file and accepted only as a page of this site.
@Suite struct LogoutSettingsTests {
    static func report(_ returnTo: String) throws -> ConfigReport {
        let path = try ResolvedConfigTests.configFile(key: "sp", extra: "logout: { return_to: '\(returnTo)' }\n")
        return ResolvedConfig.resolve(configAt: path, environment: [:])
    }

    @Test(arguments: [("/signed-out", "/signed-out"), ("/bye?from=gate", "/bye?from=gate"), ("https://sp.example.com/bye", "/bye")])
    func aSameOriginPageIsAccepted(_ returnTo: String, _ path: String) throws {
        let report = try Self.report(returnTo)
        #expect(report.errors == [])
        #expect(report.resolved?.config.logout.returnTo == returnTo)
        // What the browser is then sent to.
        #expect(ReturnPath.validate(returnTo, externalURL: "https://sp.example.com") == path)
    }

    @Test(arguments: [
        "https://evil.example/bye", "//evil.example/bye", "/\\evil.example", "http://sp.example.com/bye", "bye", "/%2F%2Fevil.example",
        "javascript:alert(1)",
    ])
    func anythingElseIsAnErrorAtLoad(_ returnTo: String) throws {
        let report = try Self.report(returnTo)
        #expect(report.resolved == nil)
        #expect(report.errors.contains { $0.hasPrefix("logout.return_to '\(returnTo)' is not a page of this site") }, "\(report.errors)")
    }

    @Test func theFieldIsOptionalAndReloadable() throws {
        let report = try ResolvedConfig.resolve(configAt: ResolvedConfigTests.configFile(key: "sp"), environment: [:])
        let running = try #require(report.resolved).config
        #expect(running.logout.returnTo == nil)
        var new = running
        new.logout.returnTo = "/bye"
        let (merged, needsRestart) = running.reloaded(from: new)
        #expect(merged.logout.returnTo == "/bye")
        #expect(needsRestart == [])
    }
}
