import ArgumentParser
import Gatehouse

/// `gatehouse sessions list`: the live sessions as a table (ID hashes, never session IDs).
struct SessionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List live sessions: ID hash, IdP, NameID, SessionIndex, created, last seen.")

    @Option(help: "The configuration file.")
    var config = "Config/gatehouse.yaml"

    @Option(name: .customLong("user"), help: "Only this NameID's sessions.")
    var nameID: String?

    @Option(name: .customLong("idp"), help: "Only sessions from the IdP with this entity ID.")
    var issuer: String?

    func run() async throws {
        let admin = try SessionsCommand.admin(config: config)
        print(SessionAdmin.table(try await admin.list(nameID: nameID, issuer: issuer)))
    }
}
