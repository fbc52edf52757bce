import Foundation
import Gatehouse
import HTTPTypes
import SCIM
import Testing

/// The request sequences Okta and Entra ID document for their SCIM 2.0 clients, against the
/// live server with a SQLite store.
@Suite struct SCIMVendorSequenceTests {
    static let patchOp = #""schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]"#

    static func withSCIM(_ body: @Sendable @escaping (SCIMTestClient) async throws -> Void) async throws {
        let store = try SQLiteSessionStore(path: try TestPaths.scratchDirectory() + "/sessions.sqlite")
        try await GatewayHarness.run(store: store, configure: { SCIMTestClient.configure(&$0) }) { harness in
            try await body(SCIMTestClient(harness: harness))
        }
    }

    @Test func oktaUserLifecycleAndGroupPush() async throws {
        try await Self.withSCIM { scim in
            let userName = "isaac.brock@example.com"
            let filter = "/Users?filter=" + SCIMTestClient.query(#"userName eq "\#(userName)""#) + "&startIndex=1&count=100"
            let none = try await scim.send(.get, filter)
            #expect(none.status == .ok)
            #expect(none["totalResults"] == .integer(0))
            #expect(none["Resources"] == .array([]))

            let created = try await scim.send(
                .post, "/Users",
                #"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"isaac.brock@example.com",
                 "name":{"givenName":"Isaac","familyName":"Brock"},
                 "emails":[{"primary":true,"value":"isaac.brock@example.com","type":"work"}],
                 "displayName":"Isaac Brock","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7",
                 "groups":[],"password":"1mz050nq","active":true}
                """#)
            #expect(created.status == .created)
            let id = created.id
            #expect(created.headers[.location] == "http://localhost/scim/v2/Users/\(id)")
            #expect(created.headers[.contentType] == "application/scim+json")
            let meta = created["meta"]?.objectValue
            #expect(meta?["location"]?.stringValue == "http://localhost/scim/v2/Users/\(id)")
            #expect(created.headers[.eTag] == meta?["version"]?.stringValue)
            #expect(created["password"] == nil)

            let found = try await scim.send(.get, filter)
            #expect(found.ids == [id])
            #expect(try await scim.send(.get, "/Users/\(id)")["userName"] == .string(userName))

            let deactivated = try await scim.send(
                .patch, "/Users/\(id)", #"{\#(Self.patchOp),"Operations":[{"op":"replace","value":{"active":false}}]}"#)
            #expect(deactivated.status == .ok)
            #expect(deactivated["active"] == .bool(false))
            let reactivated = try await scim.send(
                .patch, "/Users/\(id)", #"{\#(Self.patchOp),"Operations":[{"op":"replace","value":{"active":true}}]}"#)
            #expect(reactivated["active"] == .bool(true))

            let renamed = try await scim.send(
                .put, "/Users/\(id)",
                #"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"\#(id)","userName":"isaac.b@example.com",
                 "name":{"givenName":"Isaac","familyName":"B"},"emails":[{"primary":true,"value":"isaac.b@example.com","type":"work"}],
                 "displayName":"Isaac B","externalId":"00ujl29u0le5T6Aj10h7","active":true}
                """#)
            #expect(renamed.status == .ok)
            #expect(renamed["userName"] == .string("isaac.b@example.com"))
            #expect(try await scim.send(.get, filter).ids.isEmpty)

            // Group push: create, add a member, rename, remove the member.
            let group = try await scim.send(
                .post, "/Groups", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]}"#)
            #expect(group.status == .created)
            let groupID = group.id
            let added = try await scim.send(
                .patch, "/Groups/\(groupID)",
                #"{\#(Self.patchOp),"Operations":[{"op":"add","path":"members","value":[{"value":"\#(id)","display":"isaac.b@example.com"}]}]}"#
            )
            #expect(added.status == .ok)
            let member = added["members"]?.arrayValue?.first?.objectValue
            #expect(member?["value"] == .string(id))
            #expect(member?["$ref"] == .string("http://localhost/scim/v2/Users/\(id)"))
            let renamedGroup = try await scim.send(
                .patch, "/Groups/\(groupID)",
                #"{\#(Self.patchOp),"Operations":[{"op":"replace","value":{"id":"\#(groupID)","displayName":"Test SCIMv2 renamed"}}]}"#)
            #expect(renamedGroup["displayName"] == .string("Test SCIMv2 renamed"))
            let removed = try await scim.send(
                .patch, "/Groups/\(groupID)",
                #"{\#(Self.patchOp),"Operations":[{"op":"remove","path":"members[value eq \"\#(id)\"]"}]}"#)
            #expect(removed.status == .ok)
            #expect((removed["members"]?.arrayValue ?? []).isEmpty)
            let byName = try await scim.send(.get, "/Groups?filter=" + SCIMTestClient.query(#"displayName eq "test scimv2 RENAMED""#))
            #expect(byName.ids == [groupID])
        }
    }

    @Test func entraUserLifecycleAndGroups() async throws {
        try await Self.withSCIM { scim in
            let userName = "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1"
            #expect(try await scim.send(.get, "/Users?filter=" + SCIMTestClient.query(#"userName eq "\#(userName)""#)).ids.isEmpty)
            let created = try await scim.send(
                .post, "/Users",
                #"""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
                 "active":true,"emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],
                 "meta":{"resourceType":"User"},"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
                 "roles":[]}
                """#)
            #expect(created.status == .created)
            let id = created.id
            let byExternal = try await scim.send(
                .get, "/Users?filter=" + SCIMTestClient.query(#"externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef""#))
            #expect(byExternal.ids == [id])

            let patched = try await scim.send(
                .patch, "/Users/\(id)",
                #"""
                {\#(Self.patchOp),"Operations":[
                 {"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"},
                 {"op":"Replace","path":"name.familyName","value":"updatedFamilyName"},
                 {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Marketing"},
                 {"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"26118915-6090-4610-87e4-49d8ca9f808d"}]}
                """#)
            #expect(patched.status == .ok)
            let byEmail = try await scim.send(
                .get, "/Users?filter=" + SCIMTestClient.query(#"emails[type eq "work"].value eq "UPDATEDEMAIL@microsoft.com""#))
            #expect(byEmail.ids == [id])
            let byEmailValue = try await scim.send(
                .get, "/Users?filter=" + SCIMTestClient.query(#"emails.value eq "updatedemail@microsoft.com""#))
            #expect(byEmailValue.ids == [id])
            let enterprise = patched["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]?.objectValue
            #expect(enterprise?["department"] == .string("Marketing"))
            #expect(patched["name"]?.objectValue?["familyName"] == .string("updatedFamilyName"))

            let disabled = try await scim.send(
                .patch, "/Users/\(id)", #"{\#(Self.patchOp),"Operations":[{"op":"Replace","path":"active","value":"False"}]}"#)
            #expect(disabled["active"] == .bool(false))
            #expect(try await scim.send(.get, "/Users/\(id)")["active"] == .bool(false))

            let group = try await scim.send(
                .post, "/Groups",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"displayName","meta":{"resourceType":"Group"}}"#
            )
            #expect(group.status == .created)
            let groupID = group.id
            let added = try await scim.send(
                .patch, "/Groups/\(groupID)",
                #"{\#(Self.patchOp),"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"\#(id)"}]}]}"#)
            #expect(added["members"]?.arrayValue?.count == 1)
            let listed = try await scim.send(
                .get, "/Groups?excludedAttributes=members&filter=" + SCIMTestClient.query(#"displayName eq "displayName""#))
            #expect(listed.ids == [groupID])
            #expect(listed["Resources"]?.arrayValue?.first?.objectValue?["members"] == nil)
            let removed = try await scim.send(
                .patch, "/Groups/\(groupID)",
                #"{\#(Self.patchOp),"Operations":[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"\#(id)"}]}]}"#)
            #expect((removed["members"]?.arrayValue ?? []).isEmpty)

            // Deleting a user takes it out of its groups in the same write.
            _ = try await scim.send(
                .patch, "/Groups/\(groupID)",
                #"{\#(Self.patchOp),"Operations":[{"op":"Add","path":"members","value":[{"value":"\#(id)"}]}]}"#)
            #expect(try await scim.send(.delete, "/Users/\(id)").status == .noContent)
            #expect(try await scim.send(.get, "/Users/\(id)").status == .notFound)
            #expect((try await scim.send(.get, "/Groups/\(groupID)")["members"]?.arrayValue ?? []).isEmpty)
        }
    }
}
