import Foundation
import Gatehouse
import Logging
import Synchronization
import Testing

/// One logged event is one line, whatever the request put into the logged values.
@Suite struct LogLineEscapingTests {
    /// What a handler wrote.
    final class Capture: TextOutputStream, Sendable {
        private let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
        var lines: [Substring] { text.withLock { $0 }.split(separator: "\n", omittingEmptySubsequences: false).dropLast() }
        var output: String { text.withLock { $0 } }
    }

    /// A value shaped like the `idp` query parameter of a forged `/saml/login` URL.
    static let forged = "x\n2026-06-01T12:00:00+0000 info gatehouse: login.outcome=success saml.nameid=admin [Gatehouse] login"

    /// Characters some reader or viewer takes for the end of a line.
    static func breaksLines(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    static func logger(_ format: LogSettings.Format, into capture: Capture) -> Logger {
        let factory = JSONLogHandler.factory(for: LogSettings(format: format, level: .info), stream: capture)
        return Logger(label: "gatehouse", factory: factory)
    }

    @Test func textLogKeepsANewlineInAValueOnItsOwnLine() {
        let capture = Capture()
        Self.logger(.text, into: capture).warning("login", metadata: ["login.outcome": "failure", "saml.idp": "\(Self.forged)"])
        #expect(capture.lines.count == 1)
        #expect(capture.output.contains(#"saml.idp=x\n2026-06-01T12:00:00+0000 info gatehouse"#))
    }

    @Test func textLogEscapesEveryLineBreakingCharacterInMessageAndMetadata() {
        let capture = Capture()
        let breakers = "a\r\nb\u{0B}c\u{0C}d\u{85}e\u{2028}f\u{2029}g\u{1B}[31mh\u{7F}\u{0}"
        Self.logger(.text, into: capture).error(
            "\(breakers)",
            metadata: [
                "list": .array(["one\ntwo"]), "map": .dictionary(["k\n": "v\r"]), "plain": .stringConvertible(breakers),
            ])
        #expect(capture.lines.count == 1)
        let line = String(capture.lines[0])
        #expect(!line.unicodeScalars.contains(where: Self.breaksLines))
        #expect(line.contains(#"a\r\nb\u{b}c\u{c}d\u{85}e\u{2028}f\u{2029}g\u{1b}[31mh\u{7f}\u{0}"#))
    }

    @Test func textLogEscapesBackslashesSoEscapesCannotBeForged() {
        #expect(TextLogHandler.escape(#"C:\new"#) == #"C:\\new"#)
        #expect(TextLogHandler.escape("C:\new") == #"C:\new"#)
        #expect(TextLogHandler.escape("plain text: ok") == "plain text: ok")
    }

    @Test func textLogEscapesAnErrorDescription() {
        struct Broken: Error, CustomStringConvertible { var description: String { "bad\nthing" } }
        let capture = Capture()
        Self.logger(.text, into: capture).error("store failed", error: Broken())
        #expect(capture.lines.count == 1)
        #expect(capture.output.contains(#"bad\nthing"#))
    }

    @Test func jsonLogWritesOneParsableLineWithTheOriginalValue() throws {
        let capture = Capture()
        let value = Self.forged + "\r\u{85}\u{2028}\u{2029}\u{7F}"
        Self.logger(.json, into: capture).warning("login", metadata: ["saml.idp": "\(value)"])
        #expect(capture.lines.count == 1)
        let line = String(capture.lines[0])
        #expect(!line.unicodeScalars.contains(where: Self.breaksLines))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["saml.idp"] == value)
    }
}
