import ArgumentParser
import Gatehouse

/// `gatehouse scim token`: a new bearer token for an IdP's provisioning client, its SHA-256
/// and the configuration line to paste.
struct SCIMTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a new random SCIM bearer token, its SHA-256 and the configuration entry to paste.",
        discussion: "The token goes to the IdP; only its SHA-256 goes into the configuration. Nothing is written anywhere.")

    @Option(help: "The name SCIM audit lines give this token's writer (e.g. okta-production).")
    var label: String?

    func validate() throws {
        if let label, label.isEmpty || label.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw ValidationError("--label must be non-empty text without control characters")
        }
    }

    func run() async throws {
        print(SCIMBearerToken().instructions(label: label), terminator: "")
    }
}
