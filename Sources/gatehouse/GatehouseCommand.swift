import ArgumentParser

/// The `gatehouse` command line: one small file per subcommand; the logic lives in the libraries.
@main
struct GatehouseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "A SAML 2.0 single sign-on gateway for web applications that have no login of their own.",
        version: GatehouseVersion.current,
        subcommands: []
    )
}
