import Foundation
import Gatehouse
import Testing

/// What `gatehouse sessions` decides and prints, without running the binary.
@Suite struct SessionAdminTests {
    @Test func eachRevokeFormSelectsItsSessions() throws {
        let hash = SessionID.hash("x")
        #expect(
            try SessionAdmin.selector(user: "a", idp: nil, sessionHash: nil, sessionIndex: nil, all: false)
                == .user(nameID: "a", issuer: nil))
        #expect(
            try SessionAdmin.selector(user: "a", idp: "i", sessionHash: nil, sessionIndex: nil, all: false)
                == .user(nameID: "a", issuer: "i"))
        #expect(try SessionAdmin.selector(user: nil, idp: nil, sessionHash: hash, sessionIndex: nil, all: false) == .idHash(hash))
        #expect(
            try SessionAdmin.selector(user: nil, idp: "i", sessionHash: nil, sessionIndex: "s", all: false)
                == .sessionIndex("s", issuer: "i"))
        #expect(try SessionAdmin.selector(user: nil, idp: nil, sessionHash: nil, sessionIndex: nil, all: true) == .all)
    }

    @Test(
        arguments: [
            (nil, nil, nil, nil, false), ("a", nil, nil, nil, true), (nil, "i", nil, nil, false), (nil, nil, nil, "s", false),
            ("a", "i", nil, "s", false), (nil, nil, "not-a-hash", nil, false),
        ] as [(String?, String?, String?, String?, Bool)])
    func anythingButExactlyOneFormIsRefused(_ user: String?, _ idp: String?, _ hash: String?, _ index: String?, _ all: Bool) {
        #expect(throws: SessionAdmin.Failure.self) {
            try SessionAdmin.selector(user: user, idp: idp, sessionHash: hash, sessionIndex: index, all: all)
        }
    }

    @Test func memoryStoreIsRefusedWithASentence() {
        let error = #expect(throws: SessionAdmin.Failure.self) { try SessionAdmin(settings: SessionSettings(store: .memory)) }
        #expect(error?.message.contains("memory") == true)
    }

    @Test func tableShowsOneAlignedLinePerSessionAndEscapesControlCharacters() async throws {
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_780_000_000))
        let store = MemorySessionStore(clock: clock)
        let first = await store.create(identity: SessionIdentity(nameID: "alice", issuer: "https://idp", sessionIndex: "s1"))
        clock.advance(by: 60)
        _ = await store.create(identity: SessionIdentity(nameID: "eve\nFORGED LINE", issuer: "https://idp"))
        let table = SessionAdmin.table(try await SessionAdmin(store: store).list())
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("SESSION HASH"))
        #expect(lines[1].hasPrefix(SessionID.hash(first) + "  https://idp"))
        #expect(lines[1].contains("2026-05-28T20:26:40Z"))
        #expect(lines[2].contains("eve\\u{a}FORGED LINE"))
        #expect(!table.contains(first))
        #expect(SessionAdmin.table([]) == "no sessions")
        #expect(SessionAdmin.revokedLine(3) == "revoked 3 session(s)")
    }
}
