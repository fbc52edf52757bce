import ArgumentParser
import Gatehouse

/// `gatehouse serve`: run the gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: SP endpoints, sessions and the reverse proxy.",
        discussion: "Environment variables GATEHOUSE_<PATH> override any field, e.g. GATEHOUSE_LISTEN__PORT=9000."
    )

    @Option(help: "The configuration file.")
    var config = "Config/gatehouse.yaml"

    func run() async throws {
        do {
            try await GatehouseLauncher.serve(configPath: config)
        } catch let error as GatehouseLauncher.Failure {
            error.problems.forEach { printError("gatehouse: \($0)") }
            throw ExitCode(2)
        } catch let error as GatehouseServer.StartupError {
            error.problems.forEach { printError("gatehouse: \($0)") }
            throw ExitCode(2)
        }
    }
}
