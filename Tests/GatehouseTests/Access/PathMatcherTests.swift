import Gatehouse
import Testing

@Suite struct PathMatcherTests {
    @Test func prefixesMatchOnSegmentBoundaries() {
        #expect(PathMatcher.matches("/app/x", prefix: "/app"))
        #expect(PathMatcher.matches("/app", prefix: "/app/"))
        #expect(!PathMatcher.matches("/apple", prefix: "/app"))
        #expect(PathMatcher.matches("/anything", prefix: "/"))
        #expect(PathMatcher.longestMatch("/a/b/c", in: ["/a", "/a/b", "/x"]) == "/a/b")
    }
}
