import ArgumentParser
import Gatehouse

/// `gatehouse check-config`: validate everything `serve` would use, without starting.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check the configuration, keys and IdP metadata; exit 2 with a sentence per problem."
    )

    @Option(help: "The configuration file.")
    var config = "Config/gatehouse.yaml"

    func run() async throws {
        let (errors, warnings) = GatehouseLauncher.check(configAt: config)
        warnings.forEach { print("warning: \($0)") }
        errors.forEach { printError("error: \($0)") }
        guard errors.isEmpty else { throw ExitCode(2) }
        print("\(config): OK")
    }
}
