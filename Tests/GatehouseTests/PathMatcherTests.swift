import Foundation
import Gatehouse
import Testing

@Suite struct PathMatcherTests {
    /// The canonical form by the full algorithm (decode, `\` as `/`, resolve segments), for
    /// checking that the shortcut for already-clean paths never answers differently.
    static func reference(_ target: String) -> String {
        var path = String(target.prefix { $0 != "?" && $0 != "#" })
        path = path.removingPercentEncoding ?? path
        path = path.replacingOccurrences(of: "\\", with: "/")
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let trailing = path.count > 1 && path.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return "/" + segments.joined(separator: "/") + trailing
    }

    @Test func knownPaths() {
        let cases: [(String, String)] = [
            ("/", "/"), ("/a/b", "/a/b"), ("/a/b/", "/a/b/"), ("/a//b", "/a/b"), ("/a/./b", "/a/b"), ("/a/../admin", "/admin"),
            ("/%61dmin", "/admin"), ("/a\\..\\admin", "/admin"), ("/admin?x=/../y", "/admin"), ("/a/.", "/a"), ("/a/..", "/"),
            ("/a/...", "/a/..."), ("/.hidden/x", "/.hidden/x"), ("/x#frag", "/x"), ("", "/"), ("a/b", "/a/b"), ("/é/ü", "/é/ü"),
        ]
        for (target, expected) in cases {
            #expect(PathMatcher.canonical(target) == expected, "\(target)")
            #expect(Self.reference(target) == expected, "\(target)")
        }
    }

    /// Every path over a small hostile alphabet, up to five pieces: shortcut and full
    /// algorithm agree.
    @Test func shortcutAgreesWithTheFullAlgorithm() {
        let pieces = ["/", "a", ".", "..", "%2e", "%2F", "\\", "?", "#", "é", "//"]
        var targets: [String] = [""]
        var all: [String] = []
        for _ in 0..<5 {
            targets = targets.flatMap { prefix in pieces.map { prefix + $0 } }
            all += targets
        }
        for target in all + all.map({ "/" + $0 }) {
            #expect(PathMatcher.canonical(target) == Self.reference(target), "\(target)")
        }
    }
}
