import Foundation
import Gatehouse
import Testing

/// The one path rule: how a request target is read, refused, and forwarded.
@Suite struct RequestTargetTests {
    static func path(_ target: String, _ settings: PathSettings = PathSettings()) -> String? {
        guard case .success(let parsed) = RequestTarget.parse(target, settings: settings) else { return nil }
        return parsed.path
    }

    static func refusal(_ target: String, _ settings: PathSettings = PathSettings()) -> PathRefusal? {
        guard case .failure(let refusal) = RequestTarget.parse(target, settings: settings) else { return nil }
        return refusal
    }

    @Test func readsPathsOneWay() {
        let cases: [(String, String)] = [
            ("/", "/"), ("/a/b", "/a/b"), ("/a/b/", "/a/b/"), ("/a//b", "/a/b"), ("/a/./b", "/a/b"), ("/a/../admin", "/admin"),
            ("/%61dmin", "/admin"), ("/admin?x=/../y", "/admin"), ("/a/.", "/a"), ("/a/..", "/"), ("/a/...", "/a/..."),
            ("/.hidden/x", "/.hidden/x"), ("/%2e%2e/admin", "/admin"), ("/static/%2e%2e/admin", "/admin"), ("/%C3%A9/x", "/é/x"),
            ("/..", "/"), ("/a%20b", "/a b"), ("/%3B", "/;"),
        ]
        for (target, expected) in cases {
            #expect(Self.path(target) == expected, "\(target)")
        }
    }

    /// One invalid escape once turned decoding off while dot segments were still resolved:
    /// `/static/%2e%2e/%61dmin/%ff/..` read as `/static/%2e%2e/%61dmin` then `/%61dmin`.
    @Test func refusesWhatCannotBeReadOneWay() {
        let cases: [(String, PathRefusal)] = [
            ("/static/%2e%2e/%61dmin/%ff/..", .invalidUTF8), ("/%61dmin/%ff/../secret.txt", .invalidUTF8), ("/a%zz", .badEscape),
            ("/a%2", .badEscape), ("/a%", .badEscape), ("/admin%00", .nul), ("/admin%0a", .controlCharacter),
            ("/admin%7F", .controlCharacter), ("/a%2Fb", .encodedSlash), ("/a%2fb", .encodedSlash), ("/a\\b", .backslash),
            ("/a%5Cb", .backslash), ("/admin;x", .semicolon), ("/public/..;/admin", .semicolon), ("/%2561dmin", .doubleEncoding),
            ("/a#b", .fragment), ("/a?b#c", .fragment), ("http://h/admin", .notOriginForm), ("*", .notOriginForm),
            ("", .notOriginForm), ("/a b", .invalidCharacter), ("/é", .invalidCharacter), ("/a?b c", .invalidCharacter),
            ("/%C3", .invalidUTF8), ("/%ED%A0%80", .invalidUTF8),
        ]
        for (target, expected) in cases {
            #expect(Self.refusal(target) == expected, "\(target)")
        }
    }

    @Test func optionsLoosenOnlyWhatTheyName() {
        var settings = PathSettings()
        settings.semicolons = .literal
        settings.encodedSlashes = .decode
        settings.encodedPercent = .allow
        #expect(Self.path("/admin;x", settings) == "/admin;x")
        #expect(Self.path("/a%2Fb", settings) == "/a/b")
        #expect(Self.path("/%2561dmin", settings) == "/%61dmin")
        #expect(Self.refusal("/a\\b", settings) == .backslash)
        #expect(Self.refusal("/admin%00", settings) == .nul)
        guard case .success(let target) = RequestTarget.parse("/admin;x/%2561", settings: settings) else {
            Issue.record("refused")
            return
        }
        // Forwarded so that no upstream cuts a path parameter or decodes twice.
        #expect(target.encodedPath == "/admin%3Bx/%2561")
    }

    @Test func forwardsTheQueryAsReceived() throws {
        guard case .success(let target) = RequestTarget.parse("/a/../b?x=%2F..&y=1") else {
            Issue.record("refused")
            return
        }
        #expect(target.encodedTarget == "/b?x=%2F..&y=1")
    }

    /// What an upstream does with the path it receives: decode once, resolve dot segments.
    static func upstreamReading(_ encoded: String) -> String? {
        guard let decoded = encoded.removingPercentEncoding else { return nil }
        var segments: [Substring] = []
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let trailing = decoded.count > 1 && decoded.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return "/" + segments.joined(separator: "/") + trailing
    }

    /// Generated hostile paths, under every combination of settings: the path the upstream
    /// receives, decoded once and dot-resolved, is the authorized path, or the target was
    /// refused. With the default settings, decoding twice (IIS) gives it too, and what is
    /// forwarded has no raw `;` or `\` for Tomcat or IIS to read differently.
    @Test func whatIsForwardedIsWhatWasAuthorized() {
        let pieces = [
            "/", "a", "admin", ".", "..", "%2e", "%2E%2e", "%2f", "%5c", "\\", ";", ";x", "%3b", "%25", "%2561", "%61", "%ff",
            "%00", "%0a", "%20", " ", "é", "%C3%A9", "%", "%2", "?", "#", "//", "~", "+", ":", "@", "A", "%41",
        ]
        var generator = SystemRandomNumberGenerator()
        var settingsList: [PathSettings] = []
        for semicolons in [PathSettings.Semicolons.reject, .literal] {
            for slashes in [PathSettings.EncodedSlashes.reject, .decode] {
                for percent in [PathSettings.EncodedPercent.reject, .allow] {
                    var settings = PathSettings()
                    settings.semicolons = semicolons
                    settings.encodedSlashes = slashes
                    settings.encodedPercent = percent
                    settingsList.append(settings)
                }
            }
        }
        var accepted = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 1...7, using: &generator)
            let target = "/" + (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            for settings in settingsList {
                guard case .success(let parsed) = RequestTarget.parse(target, settings: settings) else { continue }
                accepted += 1
                #expect(Self.upstreamReading(parsed.encodedPath) == parsed.path, "\(target)")
                #expect(!parsed.encodedPath.contains(";") && !parsed.encodedPath.contains("\\"), "\(target)")
                if settings == PathSettings() {
                    // A second decoding leaves what does not decode as it is, as IIS does.
                    let once = parsed.encodedPath.removingPercentEncoding ?? ""
                    let twice = once.removingPercentEncoding == nil ? parsed.path : Self.upstreamReading(once)
                    #expect(twice == parsed.path, "\(target)")
                }
            }
        }
        #expect(accepted > 10_000)
    }
}
