import ArgumentParser
import Foundation
import Gatehouse
import SAML
import XMLSecurity

/// `gatehouse metadata`: inspect IdP metadata, print our SP metadata.
struct MetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "Inspect IdP metadata or print Gatehouse's SP metadata.",
        subcommands: [Inspect.self, ServiceProvider.self]
    )

    /// `gatehouse metadata inspect FILE`.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the entities, endpoints and certificates of a metadata file, with warnings."
        )

        @Argument(help: "A metadata file: one EntityDescriptor or an EntitiesDescriptor aggregate.")
        var file: String

        @Option(name: .customLong("signing-cert"), help: "PEM certificate to verify the aggregate's signature with.")
        var signingCertificate: String?

        func run() async throws {
            do throws(CLIError) {
                let bytes = try CLIFiles.bytes(file, what: "metadata file")
                let trusted = try signingCertificate.map { path throws(CLIError) in
                    let pem = try CLIFiles.text(path, what: "signing certificate")
                    do {
                        return [try TrustedKey(certificatePEM: pem)]
                    } catch {
                        throw CLIError("signing certificate \(path): \(error)")
                    }
                }
                let metadata: SAMLMetadata
                do {
                    metadata = try SAMLMetadata(parsing: bytes, trustedKeys: trusted)
                } catch {
                    throw CLIError("\(file): \(error.description)")
                }
                print(MetadataInspection.report(metadata, now: Date()), terminator: "")
            } catch {
                printError("configuration error: \(error.message)")
                throw ExitCode(2)
            }
        }
    }

    /// `gatehouse metadata sp --config FILE`.
    struct ServiceProvider: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sp", abstract: "Print Gatehouse's SP metadata (signed when an SP key is configured), to give to the IdP.")

        @Option(help: "The configuration file.")
        var config = "Config/gatehouse.yaml"

        func run() async throws {
            do {
                print(try GatehouseLauncher.serviceProviderMetadata(configAt: config), terminator: "")
            } catch {
                error.problems.forEach { printError("configuration error: \($0)") }
                throw ExitCode(2)
            }
        }
    }
}
