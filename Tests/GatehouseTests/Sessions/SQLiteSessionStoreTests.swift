import Foundation
import Gatehouse
import Testing

@Suite struct SQLiteSessionStoreTests {
    let identity = SessionIdentity(nameID: "alice", issuer: "https://idp.example.com", attributes: ["mail": ["a@x"]])

    @Test func sessionsAndReplayCacheSurviveReopening() async throws {
        let path = try TestPaths.scratchDirectory() + "/s.sqlite"
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_780_000_000))
        let id: String
        do {
            let store = try SQLiteSessionStore(path: path, clock: clock)
            id = try await store.create(identity: identity)
            #expect(try await store.recordAssertion(id: "_a", issuer: "idp", until: clock.now.addingTimeInterval(300)))
        }
        let reopened = try SQLiteSessionStore(path: path, clock: clock)
        #expect(try await reopened.get(id)?.identity == identity)
        #expect(try await reopened.recordAssertion(id: "_a", issuer: "idp", until: clock.now.addingTimeInterval(300)) == false)
    }

    @Test func fileHoldsOnlyTheHashOfTheSessionID() async throws {
        let path = try TestPaths.scratchDirectory() + "/s.sqlite"
        let store = try SQLiteSessionStore(path: path)
        let id = try await store.create(identity: identity)
        // Checkpointing happens in the WAL; read every file SQLite wrote.
        let folder = (path as NSString).deletingLastPathComponent
        var everything = Data()
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) {
            everything += try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))
        }
        #expect(everything.range(of: Data(id.utf8)) == nil)
        #expect(everything.range(of: Data(SessionID.hash(id).utf8)) != nil)
    }

    @Test func corruptFileGivesClearErrorAndIsLeftAlone() throws {
        let path = try TestPaths.scratchDirectory() + "/s.sqlite"
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: SessionStoreError.self) { try SQLiteSessionStore(path: path) }
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("left as it is") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }
}
