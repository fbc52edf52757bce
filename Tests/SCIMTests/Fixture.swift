import SCIM

/// Resources the filter and PATCH tests run against.
enum Fixture {
    static func json(_ text: String) -> SCIMValue {
        do {
            return try SCIMValue.parse(json: text)
        } catch {
            fatalError("fixture JSON does not parse: \(error)")
        }
    }

    static func object(_ text: String) -> SCIMObject {
        guard let object = json(text).objectValue else { fatalError("fixture JSON is not an object") }
        return object
    }

    static let bjensen = object(
        """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "id":"2819c223-7f76-453a-919d-413861904646","externalId":"bjensen-ext","userName":"bjensen",
         "name":{"formatted":"Ms. Barbara J Jensen III","familyName":"Jensen","givenName":"Barbara"},
         "displayName":"Babs Jensen","title":"Tour Guide","userType":"Employee","active":true,
         "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
         "addresses":[{"type":"work","streetAddress":"100 Universal City Plaza","locality":"Hollywood","region":"CA",
                       "postalCode":"91608","country":"USA","primary":true},
                      {"type":"home","streetAddress":"456 Hollywood Blvd","locality":"Hollywood","region":"CA","postalCode":"91608","country":"USA"}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","department":"Tour Operations",
            "manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d","displayName":"John Smith"}},
         "meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","version":"W/\\"3\\""}}
        """)

    static let jsmith = object(
        """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"b1e2c3d4","userName":"jsmith",
         "name":{"familyName":"O'Malley","givenName":"Jo"},"userType":"Intern","active":false,
         "emails":[{"value":"js@example.org","type":"home"}],
         "meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:35Z"}}
        """)

    static let alice = object(
        """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "id":"c0ffee00","userName":"alice","title":"Engineer","userType":"Employee","active":true,
         "emails":[{"value":"alice@example.org","type":"home"}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"42","department":"Engineering"},
         "meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T06:42:34+02:00"}}
        """)

    static let kim = object(
        """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"d00d","userName":"kim","userType":"Contractor",
         "ims":[{"value":"kim@foo.com","type":"xmpp"}],
         "meta":{"resourceType":"User","created":"2009-01-01T00:00:00Z","lastModified":"2010-01-01T00:00:00Z"}}
        """)

    static let users = [bjensen, jsmith, alice, kim]

    static let group = object(
        """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"e9e30dba-f08f-4109-8486-d5c6a331660a",
         "displayName":"Tour Guides",
         "members":[{"value":"2819c223-7f76-453a-919d-413861904646","$ref":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","display":"Babs Jensen"},
                    {"value":"902c246b-6245-4190-8e05-00816be7344a","$ref":"https://example.com/v2/Users/902c246b-6245-4190-8e05-00816be7344a","display":"Mandy Pepperidge"}],
         "meta":{"resourceType":"Group","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z"}}
        """)

    /// The userNames of the fixture users that `filter` selects.
    static func select(_ filter: String) throws -> Set<String> {
        let parsed = try SCIMFilter(parsing: filter)
        var names: Set<String> = []
        for user in users where try parsed.matches(user, in: .user) {
            names.insert(user["userName"]?.stringValue ?? "")
        }
        return names
    }

    static func patch(_ resource: SCIMObject, _ type: SCIMResourceType, _ body: String) throws -> SCIMObject {
        try SCIMPatchRequest(json: Array(body.utf8)).apply(to: resource, of: type)
    }

    static func patchOp(_ operations: String) -> String {
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operations)]}"#
    }
}
