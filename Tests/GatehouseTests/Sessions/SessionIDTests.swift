import Foundation
import Gatehouse
import Testing

@Suite struct SessionIDTests {
    @Test func generatedIDsAreWellFormedAndDistinct() {
        let ids = (0..<2_000).map { _ in SessionID.generate() }
        #expect(ids.allSatisfy(SessionID.isWellFormed))
        #expect(Set(ids).count == ids.count)
        // All 64 base64url symbols turn up, so no byte position is stuck.
        #expect(Set(ids.joined()).count == 64)
    }

    @Test func hashIsTheLowercaseHexSHA256ThatDatabasesAlreadyHold() {
        #expect(SessionID.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SessionID.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
