import SCIM
import Testing

@Suite struct ResourceTests {
    @Test func createNormalisesNamesAndTypes() throws {
        let body = Fixture.json(
            """
            {"SCHEMAS":["urn:ietf:params:scim:schemas:core:2.0:user"],"USERNAME":"Bob","ACTIVE":"true","Emails":{"Value":"b@example.com"},
             "id":"client-chosen","meta":{"created":"2000-01-01T00:00:00Z"},"nickName":null,
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"Manager":"m-1","employeeNumber":12},
             "urn:example:custom:1.0:User":{"badge":"7"}}
            """)
        let user = try SCIMResourceType.user.resourceForCreate(body)
        #expect(user.storedName(of: "username") == "userName")
        #expect(user["active"] == true)
        #expect(user["emails"] == [["value": "b@example.com"]])
        #expect(user["id"] == nil)
        #expect(user["meta"] == nil)
        #expect(user["nickName"] == nil)
        #expect(SCIMUser(user).managerId == "m-1")
        #expect(SCIMUser(user).enterprise("employeeNumber") == "12")
        #expect(user["urn:example:custom:1.0:User"] == ["badge": "7"])
        #expect(
            user["schemas"] == [.string(SCIMSchemaURN.user), .string(SCIMSchemaURN.enterpriseUser), "urn:example:custom:1.0:User"])
    }

    static let refused: [(type: String, body: String, code: SCIMError.Code)] = [
        ("user", #"[]"#, .invalidSyntax),
        ("user", #"{"userName":"a"}"#, .invalidValue),
        ("user", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"a"}"#, .invalidValue),
        ("user", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}"#, .invalidValue),
        ("user", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":""}"#, .invalidValue),
        ("user", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","active":"yes"}"#, .invalidValue),
        ("user", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","emails":[{"primary":"x"}]}"#, .invalidValue),
        ("user", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","name":"Bob"}"#, .invalidValue),
        ("user", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","name.givenName":"Bob"}"#, .invalidPath),
        (
            "user",
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":"x"}"#,
            .invalidValue
        ),
        ("group", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"members":[]}"#, .invalidValue),
        (
            "group", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"g","members":[{"value":1.5}]}"#,
            .invalidValue
        ),
    ]

    @Test(arguments: refused)
    func createRefusesWithItsCode(_ example: (type: String, body: String, code: SCIMError.Code)) {
        let type: SCIMResourceType = example.type == "user" ? .user : .group
        let error = #expect(throws: SCIMError.self) { try type.resourceForCreate(Fixture.json(example.body)) }
        #expect(error?.code == example.code, "\(example.body)")
    }

    @Test func stampedPutsSchemasIdFirstAndMetaLast() throws {
        let user = try SCIMResourceType.user.resourceForCreate(
            Fixture.json(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a"}"#))
        let stamped = SCIMResourceType.user.stamped(
            user, id: "u1",
            meta: SCIMMeta(
                created: SCIMDateTime.parse("2026-01-01T00:00:00Z")!, lastModified: SCIMDateTime.parse("2026-01-02T00:00:00.5Z")!,
                location: "https://sso.example.com/scim/v2/Users/u1", version: SCIMMeta.version(revision: 1)))
        #expect(
            stamped.json
                == #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"a","meta":{"resourceType":"User","created":"2026-01-01T00:00:00Z","lastModified":"2026-01-02T00:00:00.500Z","location":"https://sso.example.com/scim/v2/Users/u1","version":"W/\"1\""}}"#
        )
    }
}

extension SCIMObject {
    var json: String { SCIMValue.object(self).json }
}
