import ArgumentParser
import Gatehouse

/// `gatehouse idp`: manage the IdP metadata folder.
struct IdPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idp", abstract: "Manage registered IdPs.", subcommands: [Add.self])

    /// `gatehouse idp add FILE`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate an IdP metadata file and copy it into the configured metadata folder.",
            discussion: "A running gateway picks it up when sent SIGHUP (kill -HUP <pid>) or on restart.")

        @Option(help: "The configuration file.")
        var config = "Config/gatehouse.yaml"

        @Flag(help: "Replace the file of an IdP that is already registered.")
        var replace = false

        @Argument(help: "The IdP's metadata file.")
        var file: String

        func run() async throws {
            do {
                let settings = try GatehouseLauncher.loadConfig(path: config)
                let path = try GatehouseLauncher.addIdP(file: file, config: settings, replace: replace)
                print("added \(file) as \(path); \(GatehouseLauncher.reloadHint)")
            } catch {
                error.problems.forEach { printError("error: \($0)") }
                throw ExitCode(2)
            }
        }
    }
}
