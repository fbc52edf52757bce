import Foundation
import Testing

/// The folders of `Sources/Gatehouse` are layers, not labels: a folder may use the types of
/// the folders below it and never of one above, so no two folders use each other, directly
/// or through others. The README's module map names the order.
@Suite struct ModuleMapTests {
    static let sources = URL(fileURLWithPath: TestPaths.repository).appendingPathComponent("Sources/Gatehouse")

    /// Every Swift file by its folder (the first path component below `Sources/Gatehouse`).
    static func files() throws -> [(folder: String, name: String, text: String)] {
        let root = sources.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [(String, String, String)] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".swift"), let folder = relative.split(separator: "/").first,
                relative.contains("/")
            else { continue }
            let text = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
            files.append((String(folder), relative, text))
        }
        return files
    }

    /// The text without comments and string literals, so that only code names types.
    static func code(_ text: String) -> String {
        var result = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var kept = ""
            var inString = false
            var previous: Character = " "
            var iterator = line.makeIterator()
            while let character = iterator.next() {
                if !inString, character == "/", previous == "/" {
                    kept.removeLast()
                    break
                }
                if character == "\"", previous != "\\" { inString.toggle() }
                if !inString, character != "\"" { kept.append(character) }
                previous = character
            }
            result += kept + "\n"
        }
        return result
    }

    /// Names of the types declared at the top level of `text`.
    static func declaredTypes(_ text: String) -> [String] {
        let keywords: Set<Substring> = ["struct", "class", "enum", "protocol", "typealias", "actor"]
        return text.split(separator: "\n").compactMap { line in
            guard let first = line.first, first.isLetter || first == "@" else { return nil }
            let words = line.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "<" || $0 == "{" || $0 == "=" })
            guard let index = words.firstIndex(where: { keywords.contains($0) }), index + 1 < words.count else { return nil }
            return String(words[index + 1])
        }
    }

    /// Which folders each folder uses, with one file and type as the example of each use.
    static func uses() throws -> [String: [String: String]] {
        let files = try files()
        var owner: [String: String] = [:]
        for file in files {
            for type in declaredTypes(file.text) { owner[type] = file.folder }
        }
        var uses: [String: [String: String]] = [:]
        for file in files {
            let words = code(file.text).split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") })
            for word in Set(words) {
                guard let folder = owner[String(word)], folder != file.folder else { continue }
                uses[file.folder, default: [:]][folder] = "\(file.name) uses \(word)"
            }
        }
        return uses
    }

    @Test func foldersUseEachOtherInOneDirectionOnly() throws {
        let uses = try Self.uses()
        #expect(!uses.isEmpty)
        // A cycle exists when some folder reaches itself through the ones it uses.
        for start in uses.keys.sorted() {
            var parent: [String: String] = [:]
            var queue = [start]
            var cycle: [String]?
            search: while !queue.isEmpty {
                let folder = queue.removeFirst()
                for next in (uses[folder] ?? [:]).keys.sorted() {
                    if next == start {
                        var chain = [folder]
                        while let up = parent[chain[0]] { chain.insert(up, at: 0) }
                        cycle = chain + [start]
                        break search
                    }
                    if parent[next] == nil, next != start {
                        parent[next] = folder
                        queue.append(next)
                    }
                }
            }
            guard let cycle else { continue }
            let steps = zip(cycle, cycle.dropFirst()).map { uses[$0]?[$1] ?? "" }
            Issue.record("\(cycle.joined(separator: " → ")): \(steps.joined(separator: "; "))")
        }
    }
}
