import Foundation

/// `--name value` pairs after the subcommand; flags without a value read as "true".
struct Options {
    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>) {
        var iterator = arguments.makeIterator()
        var pending: String?
        while let argument = iterator.next() {
            if argument.hasPrefix("--") {
                if let name = pending { values[name] = "true" }
                pending = String(argument.dropFirst(2))
            } else if let name = pending {
                values[name] = argument
                pending = nil
            }
        }
        if let name = pending { values[name] = "true" }
    }

    func string(_ name: String, _ fallback: String) -> String { values[name] ?? fallback }
    func int(_ name: String, _ fallback: Int) -> Int { values[name].flatMap { Int($0) } ?? fallback }
    func double(_ name: String, _ fallback: Double) -> Double { values[name].flatMap { Double($0) } ?? fallback }
    func flag(_ name: String) -> Bool { values[name] == "true" }
    func required(_ name: String) throws -> String {
        guard let value = values[name] else { throw BenchError("missing --\(name)") }
        return value
    }
}

/// A harness failure: printed on stderr, exit status 1.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
