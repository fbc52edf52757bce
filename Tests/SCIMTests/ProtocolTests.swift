import Foundation
import SCIM
import Testing

@Suite struct ProtocolTests {
    @Test(arguments: SCIMError.Code.allCases)
    func errorDocumentCarriesStatusAsStringAndScimType(_ code: SCIMError.Code) {
        let document = SCIMError(code, "detail text").document.objectValue
        #expect(document?["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"])
        #expect(document?["status"] == .string(String(code.status)))
        #expect(document?["detail"] == "detail text")
        #expect(document?["scimType"]?.stringValue == code.scimType)
    }

    @Test func everyScimTypeOfRFC7644IsThere() {
        let types = Set(SCIMError.Code.allCases.compactMap(\.scimType))
        #expect(
            types == [
                "invalidFilter", "tooMany", "uniqueness", "mutability", "invalidSyntax", "invalidPath", "noTarget", "invalidValue",
                "invalidVers", "sensitive",
            ])
        #expect(SCIMError.Code.uniqueness.status == 409)
        #expect(SCIMError.Code.notFound.scimType == nil)
    }

    @Test func pagingNormalisesTheClientsValues() {
        let items = Array(1...10)
        #expect(Array(SCIMPaging(startIndex: nil, count: nil, maxResults: 4).slice(items)) == [1, 2, 3, 4])
        #expect(Array(SCIMPaging(startIndex: 3, count: 2, maxResults: 4).slice(items)) == [3, 4])
        #expect(Array(SCIMPaging(startIndex: 0, count: 2, maxResults: 4).slice(items)) == [1, 2])
        #expect(Array(SCIMPaging(startIndex: -5, count: 2, maxResults: 4).slice(items)) == [1, 2])
        #expect(Array(SCIMPaging(startIndex: 9, count: 100, maxResults: 4).slice(items)) == [9, 10])
        #expect(SCIMPaging(startIndex: 11, count: 5, maxResults: 4).slice(items).isEmpty)
        #expect(SCIMPaging(startIndex: 1, count: 0, maxResults: 4).slice(items).isEmpty)
        #expect(SCIMPaging(startIndex: 1, count: -3, maxResults: 4).count == 0)
        #expect(SCIMPaging(startIndex: 4, count: 1, maxResults: 4).offset == 3)
    }

    @Test func countZeroAnswersOnlyTheTotal() throws {
        let query = try SCIMSearchRequest(query: [("count", "0")])
        let response = try query.run(over: Fixture.users, of: .user, maxResults: 100)
        #expect(response.totalResults == 4)
        #expect(response.itemsPerPage == 0)
        #expect(response.document.objectValue?["Resources"] == [])
    }

    @Test func listResponsePagesAndReportsStartIndex() throws {
        let query = try SCIMSearchRequest(query: [("startIndex", "2"), ("count", "2"), ("sortBy", "userName")])
        let response = try query.run(over: Fixture.users, of: .user, maxResults: 100)
        #expect(response.totalResults == 4)
        #expect(response.startIndex == 2)
        #expect(response.itemsPerPage == 2)
        #expect(response.resources.map { $0.objectValue?["userName"] } == ["bjensen", "jsmith"])
        let document = response.document.objectValue
        #expect(document?["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
        #expect(document?["itemsPerPage"] == 2)
    }

    @Test func sortingFollowsTypesAndOrder() throws {
        let byDate = try SCIMResourceType.user.sorted(Fixture.users, by: "meta.lastModified", order: .descending)
        // bjensen and alice share an instant; the sort is stable.
        #expect(byDate.map { $0["userName"] } == ["jsmith", "bjensen", "alice", "kim"])
        let byTitle = try SCIMResourceType.user.sorted(Fixture.users, by: "title", order: .ascending)
        #expect(byTitle.map { $0["userName"] } == ["alice", "bjensen", "jsmith", "kim"])
        let byEmail = try SCIMResourceType.user.sorted(Fixture.users, by: "emails", order: .ascending)
        #expect(byEmail.map { $0["userName"] } == ["alice", "bjensen", "jsmith", "kim"])
        #expect(throws: SCIMError.self) { try SCIMResourceType.user.sorted(Fixture.users, by: "bad name", order: .ascending) }
    }

    @Test func searchRequestBody() throws {
        let body = Fixture.json(
            """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"attributes":["displayName","userName"],
             "filter":"displayName sw \\"smith\\"","startIndex":1,"count":10,"sortBy":"userName","sortOrder":"Descending"}
            """)
        let request = try SCIMSearchRequest(parsing: body)
        #expect(request.attributes == ["displayName", "userName"])
        #expect(request.filter == .compare(SCIMAttributePath(name: "displayName"), .sw, "smith"))
        #expect(request.count == 10)
        #expect(request.sortOrder == .descending)
        let bad: [(String, SCIMError.Code)] = [
            (#"{"filter":"x pr"}"#, .invalidSyntax),
            (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"x xx"}"#, .invalidFilter),
            (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"count":"ten"}"#, .invalidValue),
            (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"sortOrder":"up"}"#, .invalidValue),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"attributes":["a"],"excludedAttributes":["b"]}"#,
                .invalidSyntax
            ),
        ]
        for (text, code) in bad {
            let error = #expect(throws: SCIMError.self) { try SCIMSearchRequest(parsing: Fixture.json(text)) }
            #expect(error?.code == code, "\(text)")
        }
        let badQuery = #expect(throws: SCIMError.self) { try SCIMSearchRequest(query: [("startIndex", "one")]) }
        #expect(badQuery?.code == .invalidValue)
    }

    @Test func projectionKeepsAlwaysAndDropsNever() throws {
        var user = Fixture.bjensen
        user["password"] = "secret"
        let only = try SCIMResourceType.user.project(user, attributes: ["userName", "name.familyName", "emails.value"])
        #expect(Set(only.names) == ["schemas", "id", "userName", "name", "emails"])
        #expect(only["name"] == ["familyName": "Jensen"])
        #expect(only["emails"] == [["value": "bjensen@example.com"], ["value": "babs@jensen.org"]])
        let enterprise = try SCIMResourceType.user.project(
            user, attributes: ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"])
        #expect(enterprise[SCIMSchemaURN.enterpriseUser] == ["department": "Tour Operations"])
        let wholeExtension = try SCIMResourceType.user.project(user, attributes: [SCIMSchemaURN.enterpriseUser])
        #expect(wholeExtension[SCIMSchemaURN.enterpriseUser] == user[SCIMSchemaURN.enterpriseUser])
        let excluded = try SCIMResourceType.user.project(user, excludedAttributes: ["emails", "id", "NAME.givenName", "meta"])
        #expect(excluded["emails"] == nil)
        #expect(excluded["meta"] == nil)
        #expect(excluded["id"] != nil)
        #expect(excluded["password"] == nil)
        #expect(excluded["name"]?.objectValue?["givenName"] == nil)
        #expect(excluded["name"]?.objectValue?["familyName"] == "Jensen")
        #expect(throws: SCIMError.self) { try SCIMResourceType.user.project(user, attributes: ["name.nope"]) }
    }

    @Test func serviceProviderConfigAdvertisesWhatIsImplemented() {
        var config = SCIMServiceProviderConfig()
        config.maxResults = 50
        let document = config.document(baseURL: "https://sso.example.com/scim/v2").objectValue
        #expect(document?["patch"] == ["supported": true])
        #expect(document?["bulk"]?.objectValue?["supported"] == false)
        #expect(document?["filter"] == ["supported": true, "maxResults": 50])
        #expect(document?["changePassword"] == ["supported": false])
        #expect(document?["sort"] == ["supported": true])
        #expect(document?["etag"] == ["supported": true])
        #expect(document?["authenticationSchemes"]?.arrayValue?.first?.objectValue?["type"] == "oauthbearertoken")
        #expect(document?["meta"]?.objectValue?["location"] == "https://sso.example.com/scim/v2/ServiceProviderConfig")
    }

    @Test func discoveryListsResourceTypesAndFullSchemas() throws {
        let discovery = SCIMDiscovery(baseURL: "https://sso.example.com/scim/v2")
        let types = discovery.resourceTypesList
        #expect(types.totalResults == 2)
        let user = discovery.resourceType(named: "user")?.objectValue
        #expect(user?["endpoint"] == "/Users")
        #expect(user?["schemaExtensions"] == [["schema": .string(SCIMSchemaURN.enterpriseUser), "required": false]])
        #expect(discovery.schemasList.totalResults == 3)
        let schema = try #require(discovery.schema(id: SCIMSchemaURN.user)?.objectValue)
        let attributes = schema["attributes"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let userName = try #require(attributes.first { $0["name"] == "userName" })
        #expect(userName["required"] == true)
        #expect(userName["caseExact"] == false)
        #expect(userName["uniqueness"] == "server")
        #expect(userName["mutability"] == "readWrite")
        #expect(userName["returned"] == "default")
        let password = try #require(attributes.first { $0["name"] == "password" })
        #expect(password["returned"] == "never")
        #expect(password["mutability"] == "writeOnly")
        let groups = try #require(attributes.first { $0["name"] == "groups" })
        #expect(groups["mutability"] == "readOnly")
        #expect(groups["multiValued"] == true)
        #expect(groups["subAttributes"]?.arrayValue?.count == 4)
        let group = try #require(discovery.schema(id: SCIMSchemaURN.group)?.objectValue)
        #expect(
            group["meta"]?.objectValue?["location"] == "https://sso.example.com/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group"
        )
        #expect(discovery.schema(id: "urn:nope") == nil)
    }

    @Test func etagsCompareWeakly() {
        #expect(SCIMMeta.ifMatch(#"W/"3""#, version: #"W/"3""#))
        #expect(SCIMMeta.ifMatch(#""3""#, version: #"W/"3""#))
        #expect(SCIMMeta.ifMatch(#"W/"1", W/"3""#, version: #"W/"3""#))
        #expect(!SCIMMeta.ifMatch(#"W/"2""#, version: #"W/"3""#))
        #expect(SCIMMeta.ifMatch("*", version: #"W/"3""#))
        #expect(!SCIMMeta.ifMatch("*", version: nil))
        #expect(SCIMMeta.version(revision: 7) == #"W/"7""#)
        let meta = SCIMMeta(Fixture.bjensen)
        #expect(meta?.version == #"W/"3""#)
        #expect(meta?.lastModified == SCIMDateTime.parse("2011-05-13T04:42:34Z"))
    }
}
