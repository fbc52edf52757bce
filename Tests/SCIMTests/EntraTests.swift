import SCIM
import Testing

/// Replays of the requests Microsoft Entra ID's provisioning service sends (its SCIM endpoint
/// tutorial and validator), both the current dialect and the older one still met in tenants.
@Suite struct EntraTests {
    static func createUser() throws -> SCIMObject {
        let body = Fixture.json(
            """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
             "active":true,"emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],
             "meta":{"resourceType":"User"},"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
             "roles":[]}
            """)
        let user = try SCIMResourceType.user.resourceForCreate(body)
        return SCIMResourceType.user.stamped(
            user, id: "48af03ac28ad4fb88478", meta: SCIMMeta(created: OktaTests.created, lastModified: OktaTests.created))
    }

    @Test func createUserDropsEmptyRolesAndTheClientsMeta() throws {
        let user = try Self.createUser()
        #expect(user["roles"] == nil)
        #expect(user["meta"]?.objectValue?["created"] != nil)
        // The enterprise schema is listed by the client but carries no data.
        #expect(user["schemas"] == [.string(SCIMSchemaURN.user)])
    }

    @Test func lookUpByUserNameAndByExternalId() throws {
        let user = try Self.createUser()
        let byName = try SCIMSearchRequest(query: [("filter", #"userName eq "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1""#)])
        #expect(try byName.run(over: [user, Fixture.alice], of: .user, maxResults: 100).totalResults == 1)
        let byExternalId = try SCIMSearchRequest(query: [("filter", #"externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef""#)])
        #expect(try byExternalId.run(over: [user, Fixture.alice], of: .user, maxResults: 100).totalResults == 1)
    }

    @Test func currentDialectUpdates() throws {
        var user = try Self.createUser()
        user = try Fixture.patch(
            user, .user,
            Fixture.patchOp(
                #"{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"},{"op":"Replace","path":"name.familyName","value":"updatedFamilyName"}"#
            ))
        #expect(SCIMUser(user).primaryEmail == "updatedEmail@microsoft.com")
        #expect(SCIMUser(user).familyName == "updatedFamilyName")
        #expect(SCIMUser(user).givenName == "givenName")

        user = try Fixture.patch(
            user, .user, Fixture.patchOp(#"{"op":"Replace","path":"userName","value":"5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"}"#)
        )
        #expect(SCIMUser(user).userName == "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com")

        user = try Fixture.patch(user, .user, Fixture.patchOp(#"{"op":"Replace","path":"active","value":false}"#))
        #expect(!SCIMUser(user).active)
        user = try Fixture.patch(user, .user, Fixture.patchOp(#"{"op":"Replace","path":"active","value":true}"#))
        #expect(SCIMUser(user).active)
    }

    @Test func olderDialectStringBooleansAndCapitalisedOps() throws {
        var user = try Self.createUser()
        user = try Fixture.patch(user, .user, Fixture.patchOp(#"{"op":"Replace","path":"active","value":"False"}"#))
        #expect(user["active"] == false)
        user = try Fixture.patch(user, .user, Fixture.patchOp(#"{"op":"Add","value":{"active":"True","displayName":"Test User"}}"#))
        #expect(user["active"] == true)
        #expect(user["displayName"] == "Test User")
        user = try Fixture.patch(
            user, .user,
            Fixture.patchOp(
                #"{"op":"Replace","value":{"name.givenName":"Barbara","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"Sales"}}"#
            ))
        #expect(SCIMUser(user).givenName == "Barbara")
        #expect(SCIMUser(user).enterprise("department") == "Sales")
        user = try Fixture.patch(user, .user, Fixture.patchOp(#"{"op":"Remove","path":"displayName"}"#))
        #expect(user["displayName"] == nil)
    }

    @Test func workEmailWrittenByFilteredPathIsCreatedWhenAbsent() throws {
        var user = Fixture.kim
        user = try Fixture.patch(
            user, .user, Fixture.patchOp(#"{"op":"Add","path":"emails[type eq \"work\"].value","value":"kim@example.com"}"#))
        #expect(user["emails"] == [["type": "work", "value": "kim@example.com"]])
        user = try Fixture.patch(
            user, .user, Fixture.patchOp(#"{"op":"Replace","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 555 0100"}"#))
        #expect(user["phoneNumbers"] == [["type": "mobile", "value": "+1 555 0100"]])
        user = try Fixture.patch(user, .user, Fixture.patchOp(#"{"op":"Replace","path":"roles[primary eq true].value","value":"Admin"}"#))
        #expect(user["roles"] == [["primary": true, "value": "Admin"]])
        // Written again, the same element changes; no second work address appears.
        user = try Fixture.patch(
            user, .user, Fixture.patchOp(#"{"op":"Add","path":"emails[type eq \"work\"].value","value":"kim2@example.com"}"#))
        #expect(user["emails"] == [["type": "work", "value": "kim2@example.com"]])
    }

    @Test func enterpriseAttributesByUrnPathAndByUrnKeyedValue() throws {
        var user = try Self.createUser()
        user = try Fixture.patch(
            user, .user,
            Fixture.patchOp(
                #"{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"701984"},{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"26118915-6090-4610-87e4-49d8ca9f808d"}"#
            ))
        #expect(SCIMUser(user).enterprise("employeeNumber") == "701984")
        #expect(SCIMUser(user).managerId == "26118915-6090-4610-87e4-49d8ca9f808d")
        #expect(user["schemas"]?.arrayValue?.contains(.string(SCIMSchemaURN.enterpriseUser)) == true)
        user = try Fixture.patch(
            user, .user,
            Fixture.patchOp(
                #"{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Finance","costCenter":"4130"}}}"#
            ))
        #expect(SCIMUser(user).enterprise("department") == "Finance")
        #expect(SCIMUser(user).enterprise("employeeNumber") == "701984")
        user = try Fixture.patch(
            user, .user, Fixture.patchOp(#"{"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}"#))
        #expect(SCIMUser(user).managerId == nil)
    }

    @Test func groupCreateFilterAndMembership() throws {
        let body = Fixture.json(
            """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
             "externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"displayName","meta":{"resourceType":"Group"}}
            """)
        var group = SCIMResourceType.group.stamped(
            try SCIMResourceType.group.resourceForCreate(body), id: "927fa2c08dcb4a7fae9e",
            meta: SCIMMeta(created: OktaTests.created, lastModified: OktaTests.created))
        #expect(SCIMGroup(group).externalId == "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159")

        let query = try SCIMSearchRequest(query: [("excludedAttributes", "members"), ("filter", #"displayName eq "displayName""#)])
        group = try Fixture.patch(
            group, .group, Fixture.patchOp(#"{"op":"Add","path":"members","value":[{"$ref":null,"value":"f648f8d5ea4e4cd38e9c"}]}"#))
        #expect(SCIMGroup(group).memberIds == ["f648f8d5ea4e4cd38e9c"])
        let found = try query.run(over: [group, Fixture.group], of: .group, maxResults: 100)
        #expect(found.totalResults == 1)
        #expect(found.resources.first?.objectValue?["members"] == nil)
        #expect(found.resources.first?.objectValue?["id"] == "927fa2c08dcb4a7fae9e")

        group = try Fixture.patch(
            group, .group,
            Fixture.patchOp(#"{"op":"Replace","path":"displayName","value":"1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}"#))
        #expect(SCIMGroup(group).displayName == "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName")

        group = try Fixture.patch(
            group, .group, Fixture.patchOp(#"{"op":"Remove","path":"members","value":[{"$ref":null,"value":"f648f8d5ea4e4cd38e9c"}]}"#))
        #expect(SCIMGroup(group).memberIds.isEmpty)
    }

    @Test func membershipCheckFilterOnGroups() throws {
        let filter = try SCIMFilter(
            parsing: #"id eq "e9e30dba-f08f-4109-8486-d5c6a331660a" and members[value eq "902c246b-6245-4190-8e05-00816be7344a"]"#)
        #expect(try filter.matches(Fixture.group, in: .group))
        let other = try SCIMFilter(parsing: #"members eq "nobody""#)
        #expect(try !other.matches(Fixture.group, in: .group))
    }
}
