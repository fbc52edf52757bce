import Foundation
import SCIM
import Testing

/// Replays of the request bodies in Okta's SCIM 2.0 provisioning guide, in the order Okta
/// sends them for one user and one pushed group.
@Suite struct OktaTests {
    static let created = Date(timeIntervalSince1970: 1_780_000_000)

    static func createUser() throws -> SCIMObject {
        let body = Fixture.json(
            """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local",
             "name":{"givenName":"Test","familyName":"User"},
             "emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
             "displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],
             "password":"1mz050nq","active":true}
            """)
        let user = try SCIMResourceType.user.resourceForCreate(body)
        return SCIMResourceType.user.stamped(
            user, id: "23a35c27-23d3-4c03-b4c5-6443c09e7173",
            meta: SCIMMeta(
                created: created, lastModified: created, location: "https://sso.example.com/scim/v2/Users/23a35c27", version: "W/\"1\""))
    }

    @Test func createUserKeepsWhatOktaSentAndIgnoresReadOnlyGroups() throws {
        let user = try Self.createUser()
        let view = SCIMUser(user)
        #expect(view.userName == "test.user@okta.local")
        #expect(view.externalId == "00ujl29u0le5T6Aj10h7")
        #expect(view.active)
        #expect(view.givenName == "Test")
        #expect(view.primaryEmail == "test.user@okta.local")
        #expect(user["groups"] == nil)
        #expect(user.names.first == "schemas")
        #expect(user["meta"]?.objectValue?["resourceType"] == "User")
        // The password is never returned.
        let shown = try SCIMResourceType.user.project(user)
        #expect(shown["password"] == nil)
        #expect(shown["userName"] == "test.user@okta.local")
    }

    @Test func lookUpByUserNameFindsTheUserWhateverTheCase() throws {
        let user = try Self.createUser()
        let query = try SCIMSearchRequest(query: [
            ("filter", #"userName eq "Test.User@okta.local""#), ("startIndex", "1"), ("count", "100"),
        ])
        let response = try query.run(over: [Fixture.bjensen, user], of: .user, maxResults: 200)
        #expect(response.totalResults == 1)
        #expect(response.resources.first?.objectValue?["id"] == "23a35c27-23d3-4c03-b4c5-6443c09e7173")
        let none = try SCIMSearchRequest(query: [("filter", #"userName eq "nobody@okta.local""#), ("startIndex", "1"), ("count", "100")])
        let empty = try none.run(over: [user], of: .user, maxResults: 200)
        #expect(
            empty.document.json
                == #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}"#
        )
    }

    @Test func deactivateAndReactivateWithPathlessReplace() throws {
        let user = try Self.createUser()
        let deactivated = try Fixture.patch(user, .user, Fixture.patchOp(#"{"op":"replace","value":{"active":false}}"#))
        #expect(!SCIMUser(deactivated).active)
        let reactivated = try Fixture.patch(deactivated, .user, Fixture.patchOp(#"{"op":"replace","value":{"active":true}}"#))
        #expect(SCIMUser(reactivated).active)
        #expect(reactivated["userName"] == "test.user@okta.local")
    }

    @Test func profileUpdateByPutKeepsIdAndMeta() throws {
        let user = try Self.createUser()
        let body = Fixture.json(
            """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"23a35c27-23d3-4c03-b4c5-6443c09e7173",
             "userName":"test.user@okta.local","name":{"givenName":"Another","familyName":"User"},
             "emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Another User",
             "locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"active":true,
             "meta":{"resourceType":"User","created":"2001-01-01T00:00:00Z"}}
            """)
        let replaced = try SCIMResourceType.user.resourceForReplace(body, replacing: user)
        #expect(SCIMUser(replaced).givenName == "Another")
        #expect(replaced["id"] == user["id"])
        #expect(replaced["meta"] == user["meta"])
        #expect(replaced["password"] == nil)
    }

    @Test func groupPushCreateRenameAddAndRemoveMembers() throws {
        let created = try SCIMResourceType.group.resourceForCreate(
            Fixture.json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]}"#))
        let group = SCIMResourceType.group.stamped(
            created, id: "abf4dd94-a4c0-4f67-89c9-76b03340cb9b", meta: SCIMMeta(created: Self.created, lastModified: Self.created))
        #expect(SCIMGroup(group).memberIds.isEmpty)

        // Okta echoes the id in its rename; an unchanged readOnly value is not a change.
        let renamed = try Fixture.patch(
            group, .group,
            Fixture.patchOp(#"{"op":"replace","value":{"id":"abf4dd94-a4c0-4f67-89c9-76b03340cb9b","displayName":"Test SCIMv2 Renamed"}}"#))
        #expect(SCIMGroup(renamed).displayName == "Test SCIMv2 Renamed")

        let added = try Fixture.patch(
            renamed, .group,
            Fixture.patchOp(
                #"{"op":"add","path":"members","value":[{"value":"23a35c27-23d3-4c03-b4c5-6443c09e7173","display":"test.user@okta.local"}]}"#
            ))
        #expect(SCIMGroup(added).memberIds == ["23a35c27-23d3-4c03-b4c5-6443c09e7173"])

        let removed = try Fixture.patch(
            added, .group, Fixture.patchOp(#"{"op":"remove","path":"members[value eq \"23a35c27-23d3-4c03-b4c5-6443c09e7173\"]"}"#))
        #expect(SCIMGroup(removed).memberIds.isEmpty)
        #expect(removed["members"] == nil)
    }

    @Test func groupMembersReplacedWholesale() throws {
        let result = try Fixture.patch(
            Fixture.group, .group,
            Fixture.patchOp(
                #"{"op":"replace","path":"members","value":[{"value":"23a35c27-23d3-4c03-b4c5-6443c09e7173","display":"test.user@okta.local"}]}"#
            ))
        #expect(SCIMGroup(result).memberIds == ["23a35c27-23d3-4c03-b4c5-6443c09e7173"])
    }
}
