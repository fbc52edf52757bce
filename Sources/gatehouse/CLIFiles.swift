import Foundation

/// A usage or configuration problem: the command exits 2 with this message.
struct CLIError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// File reading with errors that name the file and its role.
enum CLIFiles {
    static func bytes(_ path: String, what: String) throws(CLIError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read \(what) \(path)")
        }
        return Array(data)
    }

    static func text(_ path: String, what: String) throws(CLIError) -> String {
        String(decoding: try bytes(path, what: what), as: UTF8.self)
    }
}

/// Writes one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
