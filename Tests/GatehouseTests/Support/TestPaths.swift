import Foundation

/// Paths of committed fixtures and fresh scratch folders for tests.
enum TestPaths {
    /// The repository's root: the nearest folder above this file that holds `Package.swift`,
    /// so test files may sit at any depth.
    static let repository: String = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/", !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.path
    }()

    /// The repository's `Fixtures/` folder.
    static let fixtures = repository + "/Fixtures"

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
