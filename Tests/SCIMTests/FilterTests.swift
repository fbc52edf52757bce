import SCIM
import Testing

@Suite struct FilterTests {
    /// Every example of RFC 7644 §3.4.2.2, with the fixture users each one selects.
    static let rfcExamples: [(filter: String, expected: Set<String>)] = [
        (#"userName eq "bjensen""#, ["bjensen"]),
        (#"name.familyName co "O'Malley""#, ["jsmith"]),
        (#"userName sw "J""#, ["jsmith"]),
        (#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#, ["jsmith"]),
        (#"title pr"#, ["bjensen", "alice"]),
        (#"meta.lastModified gt "2011-05-13T04:42:34Z""#, ["jsmith"]),
        (#"meta.lastModified ge "2011-05-13T04:42:34Z""#, ["bjensen", "jsmith", "alice"]),
        (#"meta.lastModified lt "2011-05-13T04:42:34Z""#, ["kim"]),
        (#"meta.lastModified le "2011-05-13T04:42:34Z""#, ["bjensen", "alice", "kim"]),
        (#"title pr and userType eq "Employee""#, ["bjensen", "alice"]),
        (#"title pr or userType eq "Intern""#, ["bjensen", "alice", "jsmith"]),
        (#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#, ["bjensen", "alice"]),
        (#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#, ["bjensen", "alice"]),
        (#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#, ["kim"]),
        (#"userType eq "Employee" and (emails.type eq "work")"#, ["bjensen"]),
        (#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#, ["bjensen"]),
        (#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#, ["bjensen", "kim"]),
    ]

    @Test(arguments: rfcExamples)
    func rfc7644Example(_ example: (filter: String, expected: Set<String>)) throws {
        #expect(try Fixture.select(example.filter) == example.expected)
    }

    static let moreCases: [(filter: String, expected: Set<String>)] = [
        // Attribute names and operators are case-insensitive; userName is caseExact=false.
        (#"USERNAME EQ "BJensen""#, ["bjensen"]),
        (#"UserName Eq "john""#, []),
        // id and externalId are caseExact=true.
        (#"id eq "2819c223-7f76-453a-919d-413861904646""#, ["bjensen"]),
        (#"id eq "2819C223-7F76-453A-919D-413861904646""#, []),
        (#"externalId eq "BJENSEN-EXT""#, []),
        (#"externalId eq "bjensen-ext""#, ["bjensen"]),
        // `and` binds tighter than `or`; parentheses override.
        (#"userName eq "kim" or userName eq "alice" and title eq "Nope""#, ["kim"]),
        (#"(userName eq "kim" or userName eq "alice") and title eq "Engineer""#, ["alice"]),
        (#"not (userName eq "kim") and userType eq "Contractor""#, []),
        // Booleans, null and presence.
        ("active eq true", ["bjensen", "alice"]),
        ("active eq false", ["jsmith"]),
        ("active ne true", ["jsmith", "kim"]),
        ("title eq null", ["jsmith", "kim"]),
        ("title ne null", ["bjensen", "alice"]),
        ("ims pr", ["kim"]),
        ("not (emails pr)", ["kim"]),
        // Every comparison operator on strings.
        (#"userName ne "bjensen""#, ["jsmith", "alice", "kim"]),
        (#"userName ew "SMITH""#, ["jsmith"]),
        (#"userName gt "jsmith""#, ["kim"]),
        (#"userName ge "jsmith""#, ["jsmith", "kim"]),
        (#"userName lt "bz""#, ["bjensen", "alice"]),
        (#"userName le "alice""#, ["alice"]),
        // Dates compare as instants, whatever the offset they are written with.
        (#"meta.lastModified eq "2011-05-13T06:42:34+02:00""#, ["bjensen", "alice"]),
        (#"meta.created lt "2010-01-01T00:00:00.000Z""#, ["kim"]),
        // Enterprise attributes, with and without their schema URN.
        (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#, ["bjensen"]),
        (#"employeeNumber eq "42""#, ["alice"]),
        (
            #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#,
            ["bjensen"]
        ),
        (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department sw "tour""#, ["bjensen"]),
        // Value paths with a sub-attribute after the bracket, and booleans inside.
        (#"emails[type eq "work"].value eq "bjensen@example.com""#, ["bjensen"]),
        (#"emails[type eq "work" and primary eq true]"#, ["bjensen"]),
        (#"emails[type eq "home"].value ew "example.org""#, ["jsmith", "alice"]),
        (#"name.givenName sw "bar""#, ["bjensen"]),
        // Unknown attributes have no value; they never match and never fail.
        (#"nickName eq "Babs""#, []),
        (#"urn:example:unknown:1.0:User:thing eq "x""#, []),
        // Escapes in string literals follow JSON.
        (#"name.familyName eq "O\u0027Malley""#, ["jsmith"]),
    ]

    @Test(arguments: moreCases)
    func filterSelects(_ example: (filter: String, expected: Set<String>)) throws {
        #expect(try Fixture.select(example.filter) == example.expected)
    }

    @Test func parsesIntoAFlatTreeWithAndBindingTighter() throws {
        let filter = try SCIMFilter(parsing: #"a eq "1" or b eq "2" and c pr or d eq 3"#)
        #expect(
            filter
                == .or([
                    .compare(SCIMAttributePath(name: "a"), .eq, "1"),
                    .and([.compare(SCIMAttributePath(name: "b"), .eq, "2"), .present(SCIMAttributePath(name: "c"))]),
                    .compare(SCIMAttributePath(name: "d"), .eq, 3),
                ]))
        let urn = try SCIMFilter(parsing: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr")
        #expect(
            urn
                == .present(
                    SCIMAttributePath(
                        schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", name: "manager", subAttribute: "value")))
        let decimal = try SCIMFilter(parsing: "x gt 1.5e2")
        #expect(decimal == .compare(SCIMAttributePath(name: "x"), .gt, .decimal(150)))
    }

    /// Filters that must be refused with invalidFilter, and never crash.
    static let invalid: [String] = [
        "", "   ", "userName", "userName eq", #"userName xx "a""#, #"userName eq "a" extra"#, #"userName eq "unterminated"#,
        #"userName eq bare"#, "and", #"userName eq "a" and"#, #"(userName eq "a""#, #"userName eq "a")"#,
        #"emails[type eq "work""#, #"emails[type[value eq "x"]]"#, #"emails[]"#, #"emails[type eq "work"].value"#,
        #"emails[type eq "work"].value eq"#, #"emails[type eq "work"]].value eq "x""#, #"1abc eq "x""#, #"user name eq "x""#,
        #"name eq "x""#, #"name.nope eq "x""#, #"userName.sub eq "x""#, #"userName[value eq "x"]"#, #"emails[tpye eq "work"]"#,
        "active gt true", #"active eq "true""#, "active co true", #"meta.lastModified gt "yesterday""#, "meta.lastModified gt 5",
        "userName eq 5", "userName sw true", "title eq [1]", #"userName eq "\x""#, #"userName eq "\ud800""#,
        #"emails[urn:ietf:params:scim:schemas:core:2.0:User:type eq "work"]"#, #"userName pr pr"#, "not", "()", "[]",
    ]

    @Test(arguments: invalid)
    func invalidFilterIsRefused(_ text: String) {
        let error = #expect(throws: SCIMError.self) {
            _ = try Fixture.select(text)
        }
        #expect(error?.code == .invalidFilter)
        #expect(error?.code.status == 400)
    }

    @Test func deepNestingIsRefusedWithoutOverflowingTheStack() {
        for text in [
            String(repeating: "(", count: 100_000) + "title pr" + String(repeating: ")", count: 100_000),
            String(repeating: "(", count: 17) + "title pr" + String(repeating: ")", count: 17),
            String(repeating: "not (", count: 17) + "title pr" + String(repeating: ")", count: 17),
            String(repeating: "not ", count: 3000) + "title pr",
        ] {
            let error = #expect(throws: SCIMError.self) { try SCIMFilter(parsing: text) }
            #expect(error?.code == .invalidFilter)
        }
        #expect(throws: Never.self) {
            try SCIMFilter(parsing: String(repeating: "(", count: 15) + "title pr" + String(repeating: ")", count: 15))
        }
    }

    @Test func hugeFiltersAreRefusedClearly() {
        let long = Array(repeating: #"userName eq "a""#, count: 400).joined(separator: " or ")
        let tooLong = #expect(throws: SCIMError.self) { try SCIMFilter(parsing: long) }
        #expect(tooLong?.code == .invalidFilter)
        #expect(tooLong?.detail.contains("at most 4096") == true)
        let manyTerms = Array(repeating: "a pr", count: 129).joined(separator: " and ")
        let tooMany = #expect(throws: SCIMError.self) { try SCIMFilter(parsing: manyTerms) }
        #expect(tooMany?.detail.contains("128 comparisons") == true)
        #expect(throws: Never.self) { try SCIMFilter(parsing: Array(repeating: "a pr", count: 128).joined(separator: " and ")) }
    }

    @Test func randomTokenSoupNeverCrashes() {
        let pieces = [
            "(", ")", "[", "]", "\"", "\"x\"", " ", "and", "or", "not", "eq", "pr", "gt", "co", "userName", "emails", ".value", "true",
            "null", "1", "-", "\\", "urn:a:b", "name.familyName", "\u{0}", "é",
        ]
        var generator = SplitMix(seed: 7)
        for _ in 0..<3000 {
            let count = Int(generator.next() % 12) + 1
            let text = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            do {
                let filter = try SCIMFilter(parsing: text)
                for user in Fixture.users { _ = try? filter.matches(user, in: .user) }
            } catch {
                #expect(error.code == .invalidFilter, "\(text)")
            }
        }
    }
}

/// A small deterministic generator, so a failing input can be reproduced.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
