import SCIM
import Testing

@Suite struct PatchTests {
    static let babs = "2819c223-7f76-453a-919d-413861904646"
    static let mandy = "902c246b-6245-4190-8e05-00816be7344a"

    static func memberIds(_ group: SCIMObject) -> [String] { SCIMGroup(group).memberIds }

    // MARK: RFC 7644 §3.5.2 examples

    @Test func rfcAddMembers() throws {
        var group = Fixture.group
        group["members"] = nil
        let result = try Fixture.patch(
            group, .group,
            Fixture.patchOp(
                #"{"op":"add","path":"members","value":[{"display":"Babs Jensen","$ref":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","value":"2819c223-7f76-453a-919d-413861904646"}]}"#
            ))
        #expect(Self.memberIds(result) == [Self.babs])
        #expect(result["members"]?.arrayValue?.first?.objectValue?["display"] == "Babs Jensen")
    }

    @Test func rfcAddWithoutPath() throws {
        let result = try Fixture.patch(
            Fixture.bjensen, .user,
            Fixture.patchOp(
                #"{"op":"add","value":{"emails":[{"value":"babs@jensen.org","type":"home"},{"value":"b@new.example","type":"other"}],"nickname":"Babs"}}"#
            ))
        // The home address was already there: no duplicate. The attribute takes the schema's spelling.
        #expect(SCIMUser(result).emails == ["bjensen@example.com", "babs@jensen.org", "b@new.example"])
        #expect(result.storedName(of: "nickname") == "nickName")
        #expect(result["nickName"] == "Babs")
    }

    @Test func rfcRemoveOneMember() throws {
        let result = try Fixture.patch(
            Fixture.group, .group, Fixture.patchOp(#"{"op":"remove","path":"members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"}"#))
        #expect(Self.memberIds(result) == [Self.mandy])
    }

    @Test func rfcRemoveAllMembers() throws {
        let result = try Fixture.patch(Fixture.group, .group, Fixture.patchOp(#"{"op":"remove","path":"members"}"#))
        #expect(result["members"] == nil)
        #expect(result["displayName"] == "Tour Guides")
    }

    @Test func rfcRemoveByComplexFilter() throws {
        let result = try Fixture.patch(
            Fixture.bjensen, .user, Fixture.patchOp(#"{"op":"remove","path":"emails[type eq \"work\" and value ew \"example.com\"]"}"#))
        #expect(SCIMUser(result).emails == ["babs@jensen.org"])
    }

    @Test func rfcReplaceAllMembersByRemoveThenAdd() throws {
        let result = try Fixture.patch(
            Fixture.group, .group,
            Fixture.patchOp(
                #"{"op":"remove","path":"members"},{"op":"add","path":"members","value":[{"display":"James Smith","value":"08e1d05d-121c-4561-8b96-473d93df9210"}]}"#
            ))
        #expect(Self.memberIds(result) == ["08e1d05d-121c-4561-8b96-473d93df9210"])
    }

    @Test func rfcReplaceMembers() throws {
        let result = try Fixture.patch(
            Fixture.group, .group,
            Fixture.patchOp(
                #"{"op":"replace","path":"members","value":[{"display":"Babs Jensen","value":"2819c223-7f76-453a-919d-413861904646"},{"display":"James Smith","value":"08e1d05d-121c-4561-8b96-473d93df9210"}]}"#
            ))
        #expect(Self.memberIds(result) == [Self.babs, "08e1d05d-121c-4561-8b96-473d93df9210"])
    }

    @Test func rfcReplaceFilteredElement() throws {
        let result = try Fixture.patch(
            Fixture.bjensen, .user,
            Fixture.patchOp(
                #"{"op":"replace","path":"addresses[type eq \"work\"]","value":{"type":"work","streetAddress":"911 Universal City Plaza","locality":"Hollywood","region":"CA","postalCode":"91608","country":"US","formatted":"911 Universal City Plaza\nHollywood, CA 91608 US","primary":true}}"#
            ))
        let addresses = result["addresses"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(addresses.count == 2)
        #expect(addresses[0]["streetAddress"] == "911 Universal City Plaza")
        #expect(addresses[0]["country"] == "US")
        #expect(addresses[1]["streetAddress"] == "456 Hollywood Blvd")
    }

    @Test func rfcReplaceFilteredSubAttribute() throws {
        let result = try Fixture.patch(
            Fixture.bjensen, .user,
            Fixture.patchOp(#"{"op":"replace","path":"addresses[type eq \"work\"].streetAddress","value":"1010 Broadway Ave"}"#))
        let addresses = result["addresses"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(addresses[0]["streetAddress"] == "1010 Broadway Ave")
        #expect(addresses[0]["locality"] == "Hollywood")
        #expect(addresses[1]["streetAddress"] == "456 Hollywood Blvd")
    }

    @Test func rfcReplaceWithoutPath() throws {
        let result = try Fixture.patch(
            Fixture.bjensen, .user,
            Fixture.patchOp(
                #"{"op":"replace","value":{"emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],"nickname":"Babs"}}"#
            ))
        #expect(SCIMUser(result).emails == ["bjensen@example.com", "babs@jensen.org"])
        #expect(result["nickName"] == "Babs")
    }

    // MARK: More semantics

    @Test func addMergesComplexSingleValuedAttributes() throws {
        let result = try Fixture.patch(Fixture.bjensen, .user, Fixture.patchOp(#"{"op":"add","path":"name","value":{"middleName":"J"}}"#))
        #expect(result["name"]?.objectValue?["middleName"] == "J")
        #expect(result["name"]?.objectValue?["familyName"] == "Jensen")
        let replaced = try Fixture.patch(
            Fixture.bjensen, .user, Fixture.patchOp(#"{"op":"replace","path":"name","value":{"familyName":"Jensen-Smith"}}"#))
        #expect(replaced["name"]?.objectValue?["givenName"] == "Barbara")
        #expect(replaced["name"]?.objectValue?["familyName"] == "Jensen-Smith")
    }

    @Test func addOfAMemberAlreadyPresentAddsNoDuplicate() throws {
        let result = try Fixture.patch(
            Fixture.group, .group,
            Fixture.patchOp(#"{"op":"add","path":"members","value":[{"value":"2819c223-7f76-453a-919d-413861904646"}]}"#))
        #expect(Self.memberIds(result) == [Self.babs, Self.mandy])
    }

    @Test func aNewPrimaryValueTakesPrimaryFromTheOthers() throws {
        let result = try Fixture.patch(
            Fixture.bjensen, .user,
            Fixture.patchOp(#"{"op":"add","path":"emails","value":[{"value":"new@example.com","type":"work","primary":true}]}"#))
        let emails = result["emails"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(emails.filter { $0["primary"] == true }.count == 1)
        #expect(SCIMUser(result).primaryEmail == "new@example.com")
    }

    @Test func removeOfAnAbsentMemberChangesNothing() throws {
        let result = try Fixture.patch(Fixture.group, .group, Fixture.patchOp(#"{"op":"remove","path":"members[value eq \"nobody\"]"}"#))
        #expect(result == Fixture.group)
    }

    @Test func filteredSubAttributePathsSelectElementsCaseExactly() throws {
        // members.value is caseExact: a differently cased id is another member.
        let result = try Fixture.patch(
            Fixture.group, .group, Fixture.patchOp(#"{"op":"remove","path":"members[value eq \"2819C223-7F76-453A-919D-413861904646\"]"}"#))
        #expect(Self.memberIds(result) == [Self.babs, Self.mandy])
    }

    @Test func removeOfTheWholeExtension() throws {
        let result = try Fixture.patch(
            Fixture.bjensen, .user, Fixture.patchOp(#"{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}"#)
        )
        #expect(result[SCIMSchemaURN.enterpriseUser] == nil)
        #expect(result["schemas"] == [.string(SCIMSchemaURN.user)])
    }

    @Test func writingAnExtensionListsItsSchema() throws {
        let result = try Fixture.patch(
            Fixture.kim, .user,
            Fixture.patchOp(#"{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Ops"}"#))
        #expect(SCIMUser(result).enterprise("department") == "Ops")
        #expect(result["schemas"] == [.string(SCIMSchemaURN.user), .string(SCIMSchemaURN.enterpriseUser)])
    }

    @Test func unknownExtensionsAreKept() throws {
        let result = try Fixture.patch(
            Fixture.kim, .user,
            Fixture.patchOp(#"{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:custom:2.0:User":{"worksiteId":"180"}}}"#))
        #expect(result["urn:ietf:params:scim:schemas:extension:custom:2.0:User"]?.objectValue?["worksiteId"] == "180")
    }

    @Test func operationsApplyInOrderAndAllOrNothing() throws {
        let body = Fixture.patchOp(#"{"op":"replace","path":"displayName","value":"X"},{"op":"replace","path":"id","value":"other"}"#)
        let original = Fixture.bjensen
        #expect(throws: SCIMError.self) { try Fixture.patch(original, .user, body) }
        #expect(original["displayName"] == "Babs Jensen")
    }

    // MARK: Errors

    static let failures: [(resource: String, operations: String, code: SCIMError.Code)] = [
        ("user", #"{"op":"remove"}"#, .noTarget),
        ("user", #"{"op":"replace","path":"emails[type eq \"pager\"]","value":{"value":"x@example.com"}}"#, .noTarget),
        ("user", #"{"op":"replace","path":"emails[value co \"nowhere\"].value","value":"x@example.com"}"#, .noTarget),
        ("user", #"{"op":"replace","path":"id","value":"new-id"}"#, .mutability),
        ("user", #"{"op":"remove","path":"id"}"#, .mutability),
        ("user", #"{"op":"replace","path":"meta.created","value":"2020-01-01T00:00:00Z"}"#, .mutability),
        ("user", #"{"op":"add","path":"meta","value":{"version":"W/\"9\""}}"#, .mutability),
        ("user", #"{"op":"add","path":"groups","value":[{"value":"g1"}]}"#, .mutability),
        ("user", #"{"op":"replace","value":{"id":"someone-else"}}"#, .mutability),
        ("user", #"{"op":"replace","path":"schemas","value":["urn:x"]}"#, .mutability),
        ("group", #"{"op":"replace","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"].value","value":"x"}"#, .mutability),
        ("user", #"{"op":"replace","path":"emails[type eq \"work\"","value":"x"}"#, .invalidPath),
        ("user", #"{"op":"replace","path":"name.nope","value":"x"}"#, .invalidPath),
        ("user", #"{"op":"replace","path":"userName.value","value":"x"}"#, .invalidPath),
        ("user", #"{"op":"replace","path":"userName[value eq \"x\"]","value":"x"}"#, .invalidPath),
        ("user", #"{"op":"replace","path":"emails[type eq \"work\"].nope","value":"x"}"#, .invalidPath),
        ("user", #"{"op":"replace","path":"emails[type eq \"work\"] trailing","value":"x"}"#, .invalidPath),
        ("user", #"{"op":"replace","path":"","value":"x"}"#, .invalidPath),
        ("user", #"{"op":"replace","path":"bad name","value":"x"}"#, .invalidPath),
        ("user", #"{"op":"replace","path":7,"value":"x"}"#, .invalidPath),
        ("user", #"{"op":"replace","value":{"name.given.more":"x"}}"#, .invalidPath),
        ("user", #"{"op":"replace","path":"active","value":"maybe"}"#, .invalidValue),
        ("user", #"{"op":"replace","path":"active","value":5}"#, .invalidValue),
        ("user", #"{"op":"replace","path":"userName","value":{"a":1}}"#, .invalidValue),
        ("user", #"{"op":"replace","path":"emails","value":[[1]]}"#, .invalidValue),
        ("user", #"{"op":"replace","path":"name","value":true}"#, .invalidValue),
        ("user", #"{"op":"remove","path":"userName"}"#, .invalidValue),
        ("user", #"{"op":"replace","path":"userName","value":null}"#, .invalidValue),
        ("user", #"{"op":"add","path":"displayName"}"#, .invalidValue),
        ("user", #"{"op":"replace","value":"not an object"}"#, .invalidValue),
        ("group", #"{"op":"remove","path":"displayName"}"#, .invalidValue),
        ("user", #"{"op":"move","path":"userName","value":"x"}"#, .invalidSyntax),
        ("user", #"{"op":7,"value":{}}"#, .invalidSyntax),
        ("user", #"{"path":"userName","value":"x"}"#, .invalidSyntax),
        ("user", #""just a string""#, .invalidSyntax),
    ]

    @Test(arguments: failures)
    func patchFailsWithItsCode(_ failure: (resource: String, operations: String, code: SCIMError.Code)) {
        let resource = failure.resource == "user" ? Fixture.bjensen : Fixture.group
        let type: SCIMResourceType = failure.resource == "user" ? .user : .group
        let error = #expect(throws: SCIMError.self) {
            try Fixture.patch(resource, type, Fixture.patchOp(failure.operations))
        }
        #expect(error?.code == failure.code, "\(failure.operations): \(String(describing: error))")
    }

    @Test func messagesThatAreNotPatchOpsAreRefused() {
        for body in [
            #"{"Operations":[{"op":"add","path":"displayName","value":"x"}]}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":{"op":"add"}}"#,
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[1]}"#,
            #"[]"#, "{", "",
        ] {
            let error = #expect(throws: SCIMError.self) { try SCIMPatchRequest(json: Array(body.utf8)) }
            #expect(error?.code == .invalidSyntax, "\(body)")
        }
    }

    @Test func thousandsOfMembersInOneRequest() throws {
        let ids = (0..<5_000).map { "member-\($0)" }
        let value = ids.map { #"{"value":"\#($0)"}"# }.joined(separator: ",")
        let added = try Fixture.patch(Fixture.group, .group, Fixture.patchOp(#"{"op":"add","path":"members","value":[\#(value)]}"#))
        #expect(SCIMGroup(added).memberIds.count == 5_002)
        let again = try Fixture.patch(added, .group, Fixture.patchOp(#"{"op":"add","path":"members","value":[\#(value)]}"#))
        #expect(SCIMGroup(again).memberIds.count == 5_002)
        let removed = try Fixture.patch(again, .group, Fixture.patchOp(#"{"op":"remove","path":"members","value":[\#(value)]}"#))
        #expect(SCIMGroup(removed).memberIds == [Self.babs, Self.mandy])
    }

    @Test func tooManyOperationsAreRefused() {
        let operations = Array(repeating: #"{"op":"add","path":"displayName","value":"x"}"#, count: 1001).joined(separator: ",")
        let error = #expect(throws: SCIMError.self) { try SCIMPatchRequest(json: Array(Fixture.patchOp(operations).utf8)) }
        #expect(error?.code == .payloadTooLarge)
        let accepted = Array(repeating: #"{"op":"add","path":"displayName","value":"x"}"#, count: 1000).joined(separator: ",")
        #expect(throws: Never.self) { try SCIMPatchRequest(json: Array(Fixture.patchOp(accepted).utf8)) }
    }

    @Test func echoedEmptyReadOnlyValuesChangeNothing() throws {
        let result = try Fixture.patch(
            Fixture.kim, .user, Fixture.patchOp(#"{"op":"replace","value":{"groups":[],"userType":"Employee"}}"#))
        #expect(result["userType"] == "Employee")
        #expect(result["groups"] == nil)
    }

    @Test func deeplyNestedPatchValuesAreRefused() {
        let value = String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)
        let body = Fixture.patchOp(#"{"op":"add","path":"emails","value":\#(value)}"#)
        let error = #expect(throws: SCIMError.self) { try SCIMPatchRequest(json: Array(body.utf8)) }
        #expect(error?.code == .invalidSyntax)
    }
}
