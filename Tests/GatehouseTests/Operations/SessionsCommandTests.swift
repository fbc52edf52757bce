import Foundation
import Gatehouse
import HTTPTypes
import HummingbirdTesting
import Testing

/// `gatehouse sessions`, run as the built binary against the SQLite file a live gateway in
/// this test serves from: the admin's off switch, seen from outside the server.
@Suite struct SessionsCommandTests {
    /// Why the CLI could not be run. Never a silent skip: `swift build` builds it with the tests.
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// The built `gatehouse` executable: `$GATEHOUSE`, or the one next to this test binary.
    static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["GATEHOUSE"] { return path }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while folder.path != "/" {
            folder.deleteLastPathComponent()
            let candidate = folder.appendingPathComponent("gatehouse").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Unavailable(description: "no gatehouse binary near \(CommandLine.arguments[0]); build it (swift build) or set GATEHOUSE")
    }

    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs the CLI to completion with `arguments`.
    static func gatehouse(_ arguments: [String]) async throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        let (output, errors) = (Pipe(), Pipe())
        process.standardOutput = output
        process.standardError = errors
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        return Run(
            status: status,
            output: String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            errors: String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// A configuration naming `store` at `path`; nothing else in it is used by `sessions`.
    static func config(store: String, path: String, in folder: String) throws -> String {
        let file = folder + "/gatehouse.yaml"
        let yaml = """
            external_url: http://localhost
            upstreams:
              - url: http://127.0.0.1:9
            session:
              store: \(store)
              path: \(path)
            """
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func revokeFromTheCommandLineReachesTheRunningGatewayWithinTheCacheLifetime() async throws {
        let folder = try TestPaths.scratchDirectory()
        let path = folder + "/sessions.sqlite"
        let config = try Self.config(store: "sqlite", path: path, in: folder)
        // The gateway's storage as `serve` opens it, with the 2 s cache: the bound the README states.
        try await GatewayHarness.run(store: try SessionStoreFactory.make(SessionSettings(store: .sqlite, path: path))) { harness in
            let alice = try await harness.login("alice@test.example", sessionIndex: "idx-alice")
            let bob = try await harness.login(
                "bob@test.example", attributes: ["email": ["bob@test.example"]], sessionIndex: "idx-bob")
            #expect(try await harness.echo("/docs/a", session: alice).1.status == .ok)

            let listed = try await Self.gatehouse(["sessions", "list", "--config", config, "--user", "alice@test.example"])
            #expect(listed.status == 0, "\(listed.errors)")
            #expect(listed.output.contains(SessionID.hash(alice)))
            #expect(listed.output.contains("idx-alice"))
            #expect(!listed.output.contains(SessionID.hash(bob)))
            #expect(!listed.output.contains(alice) && !listed.output.contains(bob))

            let revoked = try await Self.gatehouse([
                "sessions", "revoke", "--config", config, "--user", "alice@test.example", "--idp", "https://idp.test/metadata",
            ])
            #expect(revoked.status == 0, "\(revoked.errors)")
            #expect(revoked.output == "revoked 1 session(s)\n")

            // Poll: the gateway may answer from its cache until the entry is 2 s old.
            let clock = ContinuousClock()
            let start = clock.now
            var status = HTTPResponse.Status.ok
            while status == .ok, clock.now - start < .seconds(5) {
                status = try await harness.echo("/docs/a", session: alice).1.status
                if status == .ok { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(status == .unauthorized, "still \(status) after \(clock.now - start)")
            let forwardAuth = try await harness.client.execute(
                uri: "/saml/auth", method: .get, headers: [.cookie: "\(harness.config.cookie.name)=\(alice)"])
            #expect(forwardAuth.status == .unauthorized)
            #expect(try await harness.echo("/docs/a", session: bob).1.status == .ok)
        }
    }

    @Test func memoryStoreIsOutOfReachAndSaysSo() async throws {
        let folder = try TestPaths.scratchDirectory()
        let config = try Self.config(store: "memory", path: folder + "/unused.sqlite", in: folder)
        for command in [["sessions", "list"], ["sessions", "revoke", "--all"]] {
            let run = try await Self.gatehouse(command + ["--config", config])
            #expect(run.status == 2)
            #expect(run.errors.contains("memory"), "\(run.errors)")
            #expect(run.output.isEmpty)
        }
    }

    @Test func missingDatabaseIsReportedNotCreated() async throws {
        let folder = try TestPaths.scratchDirectory()
        let path = folder + "/typo.sqlite"
        let run = try await Self.gatehouse(["sessions", "list", "--config", try Self.config(store: "sqlite", path: path, in: folder)])
        #expect(run.status == 2)
        #expect(run.errors.contains(path))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func revokeWithoutExactlyOneSelectionExitsTwo() async throws {
        let folder = try TestPaths.scratchDirectory()
        let path = folder + "/sessions.sqlite"
        _ = try SQLiteSessionStore(path: path)
        let config = try Self.config(store: "sqlite", path: path, in: folder)
        for options in [[], ["--all", "--user", "a"], ["--session-index", "s1"], ["--session-hash", "abc"], ["--idp", "x"]] {
            let run = try await Self.gatehouse(["sessions", "revoke", "--config", config] + options)
            #expect(run.status == 2, "\(options)")
            #expect(run.output.isEmpty, "\(options)")
        }
    }
}
