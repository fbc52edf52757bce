import ArgumentParser

/// `gatehouse scim`: provisioning helpers.
struct SCIMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scim",
        abstract: "SCIM provisioning helpers.",
        subcommands: [SCIMTokenCommand.self])
}
