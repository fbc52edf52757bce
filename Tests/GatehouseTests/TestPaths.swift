import Foundation

/// Paths of committed fixtures and fresh scratch folders for tests.
enum TestPaths {
    /// The repository's `Fixtures/` folder, found from this file's path.
    static let fixtures: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures").path
    }()

    /// A fixture file's absolute path, e.g. `fixture("keys/sp.key")`.
    static func fixture(_ relative: String) -> String { fixtures + "/" + relative }

    /// A new empty temporary folder.
    static func scratchDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("gatehouse-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
