public import Foundation

extension GatehouseLauncher {
    /// What `gatehouse check-config` reports for the file at `path`: every unknown field, then
    /// either why it does not load or every problem ``check(_:now:)`` finds.
    public static func check(
        configAt path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        now: Date = Date()
    ) -> (errors: [String], warnings: [String]) {
        let (config, errors) = readConfig(path: path, environment: environment)
        guard let config else { return (errors, []) }
        let checked = check(config, now: now)
        return (errors + checked.errors, checked.warnings)
    }

    /// The configuration at `path` (nil when it does not load) and the error sentences: one
    /// per unknown field, plus the loading error.
    static func readConfig(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (config: GatehouseConfig?, errors: [String]) {
        var errors: [String] = []
        if let yaml = try? String(contentsOfFile: path, encoding: .utf8) {
            errors = ConfigSchema.unknownFields(inYAML: yaml).map { "\(path): " + ConfigSchema.problem(forUnknownField: $0) }
        }
        do {
            return (try ConfigLoader.load(path: path, environment: environment), errors)
        } catch {
            return (nil, errors + [error.message])
        }
    }
}
