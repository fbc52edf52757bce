import ArgumentParser
import Gatehouse

/// `gatehouse demo`: the gateway, a development IdP and a demo app, on loopback.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try Gatehouse: a development IdP and a demo app behind the gateway, on http://localhost:8080.",
        discussion: "The development IdP lets anyone sign in as anyone. It exists only for this demo."
    )

    @Option(help: "The demo configuration file.")
    var config = "Config/demo.yaml"

    @Option(name: .customLong("app-port"), help: "Port of the demo app (loopback).")
    var appPort = 8081

    func run() async throws {
        do {
            try await DemoLauncher.run(configPath: config, upstreamPort: appPort)
        } catch let error as GatehouseLauncher.Failure {
            error.problems.forEach { printError("gatehouse demo: \($0)") }
            throw ExitCode(2)
        } catch let error as GatehouseServer.StartupError {
            error.problems.forEach { printError("gatehouse demo: \($0)") }
            throw ExitCode(2)
        }
    }
}
