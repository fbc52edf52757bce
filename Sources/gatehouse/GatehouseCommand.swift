import ArgumentParser
import Foundation

/// The `gatehouse` command line: one small file per subcommand; the logic lives in the libraries.
@main
struct GatehouseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "A SAML 2.0 single sign-on gateway for web applications that have no login of their own.",
        version: GatehouseVersion.current,
        subcommands: [
            ServeCommand.self, DemoCommand.self, CheckConfigCommand.self, IdPCommand.self, MetadataCommand.self,
            VerifyResponseCommand.self, SessionsCommand.self, SCIMCommand.self,
        ]
    )

    /// Runs the chosen subcommand. Usage errors exit 2 (not ArgumentParser's 64), so every
    /// subcommand keeps one convention: 0 success, 1 rejected input, 2 usage or configuration.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
