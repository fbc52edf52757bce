import ArgumentParser
import Foundation
import Gatehouse
import SAML

/// `gatehouse verify-response`: validate a captured SAMLResponse offline, exactly as the ACS would.
struct VerifyResponseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-response",
        abstract: "Validate a captured SAML response offline and print the identity it carries.",
        discussion: """
            RESPONSE_FILE holds the SAMLResponse value exactly as posted (base64) or raw XML; '-' reads \
            standard input. Exit 0: accepted, identity as JSON on standard output. Exit 1: rejected, one \
            line on standard error starting with the failed check's code. Exit 2: usage or configuration error.
            """
    )

    @Option(name: .customLong("idp-metadata"), help: "IdP metadata: one EntityDescriptor or an aggregate.")
    var idpMetadata: String

    @Option(name: .customLong("sp-entity-id"), help: "Our SP entity ID (the expected audience).")
    var spEntityID: String

    @Option(name: .customLong("acs-url"), help: "Our assertion consumer service URL (Destination and Recipient).")
    var acsURL: String

    @Option(help: "Validate as of this ISO 8601 instant instead of now.")
    var now: String?

    @Option(name: .customLong("in-response-to"), help: "The ID of the AuthnRequest this response answers.")
    var inResponseTo: String?

    @Flag(name: .customLong("allow-unsolicited"), help: "Accept an IdP-initiated response (no InResponseTo).")
    var allowUnsolicited = false

    @Option(name: .customLong("sp-key"), help: "SP private key (PEM) for encrypted assertions; repeatable.")
    var spKeys: [String] = []

    @Option(name: .customLong("clock-skew"), help: "Allowed clock skew in seconds.")
    var clockSkew: Int = 90

    @Flag(name: .customLong("allow-sha1"), help: "Accept RSA-SHA1 signatures and SHA-1 digests.")
    var allowSHA1 = false

    @Flag(
        name: .customLong("allow-cbc"),
        help: "Accept AES-CBC content encryption (Entra ID, AD FS), as idps[].allow_cbc: true does in the gateway.")
    var allowCBC = false

    @Argument(help: "The response file, or '-' for standard input.")
    var responseFile: String

    func validate() throws {
        if inResponseTo != nil && allowUnsolicited {
            throw ValidationError("--in-response-to and --allow-unsolicited exclude each other")
        }
        if clockSkew < 0 { throw ValidationError("--clock-skew must not be negative") }
    }

    func run() async throws {
        let input: ResponseVerification.Input
        do {
            input = try makeInput()
        } catch {
            printError("configuration error: \(error.message)")
            throw ExitCode(2)
        }
        // The gateway's own policy builder, so this command decides as the ACS does.
        var idpPolicy = IdentityProviderPolicy()
        idpPolicy.allowsUnsolicited = allowUnsolicited
        idpPolicy.clockSkew = ConfigDuration(seconds: clockSkew)
        idpPolicy.allowsSHA1 = allowSHA1
        idpPolicy.allowsCBC = allowCBC
        let policy = idpPolicy.validationPolicy(
            audience: spEntityID, assertionConsumerServiceURL: acsURL, decryptionKeys: [], answersRequest: inResponseTo != nil)
        do {
            let identity = try await ResponseVerification.run(input, policy: policy)
            print(ResponseVerification.json(identity))
        } catch {
            printError(error.description + cbcHint(for: error, response: input.responseText))
            throw ExitCode(error.exitCode)
        }
    }

    /// Names the flag and the gateway setting when the refusal is AES-CBC content encryption.
    private func cbcHint(for failure: ResponseVerification.Failure, response: String) -> String {
        guard !allowCBC, case .rejected(let error) = failure, error.code == .weakAlgorithm,
            let algorithm = (try? SAMLResponse(posted: response))?.assertionEncryptionAlgorithm, algorithm.hasSuffix("-cbc")
        else { return "" }
        return "; AES-CBC content encryption is refused unless allowed: pass --allow-cbc "
            + "(in the gateway: allow_cbc: true in this IdP's idps[] entry)"
    }

    private func makeInput() throws(CLIError) -> ResponseVerification.Input {
        let instant: Date
        if let now {
            guard let parsed = try? Date(now, strategy: .iso8601) else { throw CLIError("--now is not an ISO 8601 instant: \(now)") }
            instant = parsed
        } else {
            instant = Date()
        }
        let response = responseFile == "-" ? readStandardInput() : try CLIFiles.text(responseFile, what: "response file")
        return ResponseVerification.Input(
            responseText: response,
            metadata: try CLIFiles.bytes(idpMetadata, what: "IdP metadata"),
            spEntityID: spEntityID,
            acsURL: acsURL,
            now: instant,
            inResponseTo: inResponseTo,
            allowsUnsolicited: allowUnsolicited,
            spKeysPEM: try spKeys.map { path throws(CLIError) in try CLIFiles.text(path, what: "SP key") },
            clockSkew: .seconds(clockSkew),
            allowsSHA1: allowSHA1
        )
    }

    private func readStandardInput() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
}
