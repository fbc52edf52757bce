import Gatehouse
import Testing

@Suite struct ReturnPathTests {
    @Test(arguments: ["/", "/docs", "/docs/a?page=2&q=a%20b", "/a/b/c#frag", "/%E2%9C%93", "/path?next=//evil"])
    func sameOriginPathsAreKept(_ path: String) {
        #expect(ReturnPath.validate(path) == path)
    }

    @Test(arguments: [
        "", "//evil.example", "/\\evil.example", "\\\\evil.example", "http:evil.example", "https://evil.example/",
        "javascript:alert(1)", "evil.example", "/docs\\..\\x", "/\tevil", "/\r\nSet-Cookie:x", "/a\u{7f}",
        "/%2F%2Fevil.example", "%2F%2Fevil.example", "/%5Cevil.example", "/%2fevil.example", "/%09/evil.example",
        "/%252F%252Fevil.example", "/%25252F%25252Fevil.example", "/%0d%0aLocation:%20x", "/a%5Cb",
        "/\u{2028}evil",
    ])
    func foreignOrDisguisedTargetsAreRefused(_ path: String) {
        #expect(ReturnPath.validate(path) == nil)
    }

    @Test func overlongPathIsRefused() {
        #expect(ReturnPath.validate("/" + String(repeating: "a", count: 5000)) == nil)
    }

    @Test func absoluteURLOnOurOriginBecomesAPath() {
        let base = "https://app.example.com"
        #expect(ReturnPath.validate("https://app.example.com/docs?x=1", externalURL: base) == "/docs?x=1")
        #expect(ReturnPath.validate("https://app.example.com", externalURL: base) == "/")
        #expect(ReturnPath.validate("/docs", externalURL: base) == "/docs")
    }

    @Test(arguments: [
        "https://evil.example/docs", "http://app.example.com/docs", "https://app.example.com:8443/",
        "https://app.example.com.evil.example/", "https://user@app.example.com/", "//app.example.com/x",
    ])
    func absoluteURLElsewhereIsRefused(_ url: String) {
        #expect(ReturnPath.validate(url, externalURL: "https://app.example.com") == nil)
    }
}
