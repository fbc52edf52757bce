import ArgumentParser
import Gatehouse

/// `gatehouse sessions`: list and revoke sessions while the gateway runs.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List or revoke sessions in the configured session store.",
        discussion: "A gateway running on the same SQLite file refuses a revoked session within its cache lifetime (2 s).",
        subcommands: [SessionsListCommand.self, SessionsRevokeCommand.self])

    /// The store `config` names, or exit 2 with the sentence that says why not.
    static func admin(config: String) throws -> SessionAdmin {
        do {
            return try SessionAdmin(settings: GatehouseLauncher.loadConfig(path: config).session)
        } catch let error as GatehouseLauncher.Failure {
            error.problems.forEach { printError("error: \($0)") }
            throw ExitCode(2)
        } catch let error as SessionAdmin.Failure {
            printError("error: \(error.message)")
            throw ExitCode(2)
        }
    }
}
