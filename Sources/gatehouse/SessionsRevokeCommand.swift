import ArgumentParser
import Gatehouse

/// `gatehouse sessions revoke`: end sessions now; a running gateway on the same SQLite file
/// refuses them within its cache lifetime.
struct SessionsRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "End sessions: a user's, one session, one IdP SessionIndex, or all.",
        usage: """
            gatehouse sessions revoke --user NAMEID [--idp ENTITYID]
            gatehouse sessions revoke --session-hash HASH
            gatehouse sessions revoke --idp ENTITYID --session-index INDEX
            gatehouse sessions revoke --all
            """)

    @Option(help: "The configuration file.")
    var config = "Config/gatehouse.yaml"

    @Option(help: "Every session of this NameID (from any IdP unless --idp is given).")
    var user: String?

    @Option(help: "The IdP's entity ID: narrows --user; required with --session-index.")
    var idp: String?

    @Option(help: "One session, by the hash `gatehouse sessions list` shows.")
    var sessionHash: String?

    @Option(help: "The sessions an IdP opened under this SessionIndex (with --idp).")
    var sessionIndex: String?

    @Flag(help: "Every session.")
    var all = false

    func validate() throws {
        _ = try selector()
    }

    func run() async throws {
        let selector = try selector()
        let admin = try SessionsCommand.admin(config: config)
        print(SessionAdmin.revokedLine(try await admin.revoke(selector)))
    }

    private func selector() throws -> SessionSelector {
        do {
            return try SessionAdmin.selector(user: user, idp: idp, sessionHash: sessionHash, sessionIndex: sessionIndex, all: all)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
