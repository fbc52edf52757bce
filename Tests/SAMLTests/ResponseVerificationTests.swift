import Foundation
import SAML
import Testing

/// The logic behind `gatehouse verify-response`.
@Suite struct ResponseVerificationTests {
    static func input(_ name: String, metadata: String = "aggregate.xml") throws -> ResponseVerification.Input {
        ResponseVerification.Input(
            responseText: try Fixture.posted(name), metadata: try Fixture.bytes("saml/metadata/" + metadata),
            spEntityID: Fixture.spEntityID, acsURL: Fixture.acsURL, now: Fixture.instant, inResponseTo: Fixture.requestID,
            spKeysPEM: [try Fixture.key("sp.key")])
    }

    @Test func acceptedResponsePrintsTheIdentityAsJSON() async throws {
        let identity = try await ResponseVerification.run(try Self.input("valid.xml", metadata: "idp.xml"))
        let json = ResponseVerification.json(identity)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["issuer"] as? String == Fixture.idpEntityID)
        #expect(object["nameID"] as? String == "ada@example.com")
        #expect(object["nameIDFormat"] as? String == NameIDFormat.emailAddress)
        #expect(object["sessionIndex"] as? String == "_session-91e2")
        #expect((object["attributes"] as? [String: [String]])?["groups"] == ["engineering", "staff"])
        #expect(object["authnInstant"] as? String == "2026-06-01T12:00:00Z")
        // The identity round-trips, so the server can store it.
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(Identity.self, from: Data(json.utf8)) == identity)
    }

    @Test func rawXMLIsAcceptedAsWellAsBase64() async throws {
        var input = try Self.input("encrypted.xml")
        input.responseText = try Fixture.text("saml/encrypted.xml")
        #expect(try await ResponseVerification.run(input).nameID == "ada@example.com")
    }

    @Test func rejectedResponseGivesExitCodeOneAndALineStartingWithTheCode() async throws {
        let input = try Self.input("invalid/audienceMismatch.xml")
        do {
            _ = try await ResponseVerification.run(input)
            Issue.record("accepted")
        } catch {
            #expect(error.exitCode == 1)
            #expect(error.description.hasPrefix("audienceMismatch: "))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func unsolicitedFlagReplacesInResponseTo() async throws {
        var input = try Self.input("invalid/unsolicitedNotAllowed.xml")
        input.inResponseTo = nil
        input.allowsUnsolicited = true
        #expect(try await ResponseVerification.run(input).nameID == "ada@example.com")
    }

    @Test func badMetadataIsAConfigurationError() async throws {
        var input = try Self.input("valid.xml")
        input.metadata = Array("<nope/>".utf8)
        do {
            _ = try await ResponseVerification.run(input)
            Issue.record("accepted")
        } catch {
            #expect(error.exitCode == 2)
        }
        input = try Self.input("valid.xml")
        input.spKeysPEM = ["not a key"]
        await #expect(throws: ResponseVerification.Failure.self) { try await ResponseVerification.run(input) }
    }
}
