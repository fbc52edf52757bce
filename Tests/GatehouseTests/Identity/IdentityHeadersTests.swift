import Gatehouse
import HTTPTypes
import Testing

@Suite struct IdentityHeadersTests {
    let settings = HeaderSettings()

    func value(_ headers: [IdentityHeader], _ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    @Test func oauth2ProxyDefaultsFromPlainAttributeNames() {
        let identity = SessionIdentity(
            nameID: "alice", issuer: "idp",
            attributes: ["email": ["alice@example.com"], "groups": ["admins", "staff"], "username": ["alice.a"]])
        let headers = IdentityHeaders.headers(for: identity, settings: settings)
        #expect(
            headers.map(\.name) == [
                "X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups", "X-Forwarded-Preferred-Username",
            ])
        #expect(value(headers, "X-Forwarded-User") == "alice")
        #expect(value(headers, "X-Forwarded-Email") == "alice@example.com")
        #expect(value(headers, "X-Forwarded-Groups") == "admins,staff")
        #expect(value(headers, "X-Forwarded-Preferred-Username") == "alice.a")
    }

    @Test func oidAttributeNamesAreRecognised() {
        let identity = SessionIdentity(
            nameID: "n", issuer: "idp",
            attributes: [
                "urn:oid:0.9.2342.19200300.100.1.3": ["a@uni.edu"],
                "urn:oid:1.3.6.1.4.1.5923.1.1.1.6": ["a@uni.edu.eppn"],
            ])
        let headers = IdentityHeaders.headers(for: identity, settings: settings)
        #expect(value(headers, "X-Forwarded-Email") == "a@uni.edu")
        #expect(value(headers, "X-Forwarded-Preferred-Username") == "a@uni.edu.eppn")
    }

    @Test func entraIDClaimURIsAreRecognised() {
        let identity = SessionIdentity(
            nameID: "oid-guid", issuer: "https://sts.windows.net/t/",
            attributes: [
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": ["a@corp.com"],
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name": ["a@corp.onmicrosoft.com"],
                "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": ["g-1", "g-2"],
            ])
        let headers = IdentityHeaders.headers(for: identity, settings: settings)
        #expect(value(headers, "X-Forwarded-Email") == "a@corp.com")
        #expect(value(headers, "X-Forwarded-Preferred-Username") == "a@corp.onmicrosoft.com")
        #expect(value(headers, "X-Forwarded-Groups") == "g-1,g-2")
    }

    @Test func attributeNamesMatchIgnoringCaseAsAFallback() {
        let identity = SessionIdentity(nameID: "n", issuer: "i", attributes: ["MAIL": ["x@y"]])
        #expect(value(IdentityHeaders.headers(for: identity, settings: settings), "X-Forwarded-Email") == "x@y")
    }

    @Test func missingAttributesGiveNoHeader() {
        let identity = SessionIdentity(nameID: "n", issuer: "i")
        #expect(IdentityHeaders.headers(for: identity, settings: settings).map(\.name) == ["X-Forwarded-User"])
    }

    @Test func configuredMapAddsHeaders() {
        var custom = HeaderSettings(rules: [HeaderRule(header: "X-User", fromNameID: true)])
        custom.additional = ["X-Dept": "department"]
        let identity = SessionIdentity(nameID: "n", issuer: "i", attributes: ["department": ["ops"]])
        let headers = IdentityHeaders.headers(for: identity, settings: custom)
        #expect(headers == [IdentityHeader(name: "X-User", value: "n"), IdentityHeader(name: "X-Dept", value: "ops")])
    }

    @Test func longGroupListIsCutAtAWholeValue() {
        var capped = settings
        capped.maxValueBytes = 64
        let groups = (1...50).map { "group-\($0)" }
        let identity = SessionIdentity(nameID: "n", issuer: "i", attributes: ["groups": groups])
        let header = IdentityHeaders.headers(for: identity, settings: capped).first { $0.name == "X-Forwarded-Groups" }
        let kept = header?.value.split(separator: ",").map(String.init) ?? []
        #expect(header?.truncated == true)
        #expect((header?.value.utf8.count ?? 0) <= 64)
        #expect(kept == Array(groups.prefix(kept.count)))
        #expect(kept.count == 8)  // group-1 … group-8: 8 × 7 bytes + 7 commas = 63
    }

    @Test func oversizedSingleValueIsLeftOutNotCut() {
        var capped = settings
        capped.maxValueBytes = 64
        let identity = SessionIdentity(nameID: String(repeating: "x", count: 65), issuer: "i")
        #expect(IdentityHeaders.headers(for: identity, settings: capped).isEmpty)
    }

    @Test func controlCharactersNeverReachAHeaderValue() {
        let identity = SessionIdentity(nameID: "alice\r\nX-Admin: yes\u{0}", issuer: "i")
        #expect(IdentityHeaders.headers(for: identity, settings: settings).first?.value == "aliceX-Admin: yes")
    }

    static let spoofedSpellings = [
        "X-Forwarded-User", "x-forwarded-user", "X-FORWARDED-USER", "X_Forwarded_User", "x_forwarded_user",
        "X-Forwarded_User", "X_FORWARDED-USER", "x-Forwarded-Email", "X_Forwarded_Groups",
        "x-forwarded-preferred_username", "X_FORWARDED_PREFERRED_USERNAME",
    ]

    @Test(arguments: spoofedSpellings)
    func spoofedIdentityHeaderIsRemovedInEverySpelling(_ spelling: String) throws {
        var fields = HTTPFields()
        fields[try #require(HTTPField.Name(spelling))] = "mallory"
        fields[.accept] = "text/html"
        let cleaned = IdentityHeaders.sanitize(fields, settings: settings)
        #expect(cleaned.count == 1)
        #expect(cleaned[.accept] == "text/html")
    }

    @Test func applyReplacesSpoofedValuesWithTheSessionsOwn() throws {
        var fields = HTTPFields()
        fields[try #require(HTTPField.Name("x_forwarded_user"))] = "mallory"
        fields[try #require(HTTPField.Name("X-Forwarded-User"))] = "mallory"
        let identity = SessionIdentity(nameID: "alice", issuer: "i")
        let result = IdentityHeaders.apply(identity, to: fields, settings: settings)
        #expect(result.map(\.value) == ["alice"])
    }

    @Test func configuredExtraHeadersAreAlsoStripped() throws {
        var custom = HeaderSettings()
        custom.additional = ["X-Remote-Dept": "department"]
        var fields = HTTPFields()
        fields[try #require(HTTPField.Name("x_remote_dept"))] = "finance"
        #expect(IdentityHeaders.sanitize(fields, settings: custom).isEmpty)
    }
}
