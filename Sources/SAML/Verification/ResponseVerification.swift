public import Foundation
import XMLSecurity

/// The logic of `gatehouse verify-response`: validate a captured response offline.
/// The CLI reads the files, calls ``run(_:)``, prints ``json(_:)`` or the failure line.
public enum ResponseVerification {
    /// Everything the command line supplies, already read from files.
    public struct Input: Sendable {
        /// The `SAMLResponse` value as posted (base64) or raw XML.
        public var responseText: String
        /// The IdP metadata file (single entity or aggregate).
        public var metadata: [UInt8]
        /// `--sp-entity-id`.
        public var spEntityID: String
        /// `--acs-url`.
        public var acsURL: String
        /// `--now` (default: the current time, chosen by the caller).
        public var now: Date
        /// `--in-response-to`.
        public var inResponseTo: String?
        /// `--allow-unsolicited`.
        public var allowsUnsolicited: Bool
        /// `--sp-key` PEM texts (decryption keys).
        public var spKeysPEM: [String]
        /// `--clock-skew`.
        public var clockSkew: Duration
        /// `--allow-sha1`.
        public var allowsSHA1: Bool

        /// Creates the input; optional flags default to their CLI defaults.
        public init(
            responseText: String, metadata: [UInt8], spEntityID: String, acsURL: String, now: Date,
            inResponseTo: String? = nil, allowsUnsolicited: Bool = false, spKeysPEM: [String] = [],
            clockSkew: Duration = .seconds(90), allowsSHA1: Bool = false
        ) {
            self.responseText = responseText
            self.metadata = metadata
            self.spEntityID = spEntityID
            self.acsURL = acsURL
            self.now = now
            self.inResponseTo = inResponseTo
            self.allowsUnsolicited = allowsUnsolicited
            self.spKeysPEM = spKeysPEM
            self.clockSkew = clockSkew
            self.allowsSHA1 = allowsSHA1
        }
    }

    /// Why verification did not produce an identity.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The response was rejected: exit 1, print ``description`` on standard error.
        case rejected(SAMLValidationError)
        /// Bad metadata, key or arguments: exit 2.
        case configuration(String)

        /// The process exit code the CLI must use.
        public var exitCode: Int32 {
            switch self {
            case .rejected: 1
            case .configuration: 2
            }
        }

        /// One line: the error code first for a rejection, then the explanation.
        public var description: String {
            switch self {
            case .rejected(let error): "\(error.code.rawValue): \(error.detail)"
            case .configuration(let message): "configuration error: \(message)"
            }
        }
    }

    /// Validates the response against the metadata; the IdP is chosen by the response's Issuer.
    public static func run(_ input: Input) async throws(Failure) -> Identity {
        var policy = ValidationPolicy(audience: input.spEntityID, assertionConsumerServiceURL: input.acsURL)
        policy.clockSkew = input.clockSkew
        policy.allowsUnsolicited = input.allowsUnsolicited
        policy.allowsSHA1 = input.allowsSHA1
        return try await run(input, policy: policy)
    }

    /// Validates the response under `policy` (built by the caller, as the gateway builds its
    /// own); `input`'s SP keys are added to the policy's decryption keys.
    public static func run(_ input: Input, policy: ValidationPolicy) async throws(Failure) -> Identity {
        let providers: [IdentityProvider]
        do {
            providers = try SAMLMetadata(parsing: input.metadata).identityProviders()
        } catch {
            throw .configuration("IdP metadata: \(error.description)")
        }
        guard !providers.isEmpty else { throw .configuration("the metadata describes no IdP") }
        var policy = policy
        for pem in input.spKeysPEM {
            do {
                policy.decryptionKeys.append(try DecryptionKey(privateKeyPEM: pem))
            } catch {
                throw .configuration("SP key: \(error.description)")
            }
        }
        let validator = ResponseValidator(policy: policy, replayCache: InMemoryReplayCache())
        do {
            return try await validator.validate(
                posted: input.responseText, identityProviders: providers, expectedRequestID: input.inResponseTo, now: input.now)
        } catch {
            throw .rejected(error)
        }
    }

    /// The identity as the CLI prints it: a JSON object with sorted keys and ISO 8601 dates.
    public static func json(_ identity: Identity) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(identity) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
