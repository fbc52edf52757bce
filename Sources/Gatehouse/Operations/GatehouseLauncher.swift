public import Foundation
import Logging
import SAML
import XMLSecurity

/// What the `gatehouse` subcommands do, kept out of the CLI so it can be tested.
public enum GatehouseLauncher {
    /// A failure that stops a command: exit 2 with these sentences.
    public struct Failure: Error, CustomStringConvertible {
        /// One sentence per problem.
        public var problems: [String]
        public var description: String { problems.joined(separator: "\n") }
        init(_ problems: [String]) { self.problems = problems }
    }

    /// Loads the configuration, with environment overrides. Unknown fields are errors too:
    /// a misspelled field would otherwise silently keep its default, so `serve` refuses them.
    public static func loadConfig(path: String) throws(Failure) -> GatehouseConfig {
        let (config, errors) = readConfig(path: path)
        guard let config, errors.isEmpty else { throw Failure(errors) }
        return config
    }

    /// Every problem of the configuration: errors (refuse to start) and warnings.
    public static func check(_ config: GatehouseConfig, now: Date = Date()) -> (errors: [String], warnings: [String]) {
        let problems = ConfigCheck(now: now, metadataValidator: MetadataFileCheck.validator).problems(in: config)
        var errors = problems.filter { $0.severity == .error }.map(\.message)
        var warnings = problems.filter { $0.severity == .warning }.map(\.message)
        warnings += MetadataFileCheck.warnings(directory: config.idpMetadataDirectory, now: now)
        if errors.isEmpty {
            do {
                let registry = try IdentityProviderRegistry.load(directory: config.idpMetadataDirectory)
                _ = try SAMLLoginService(config: config, registry: registry)
                for setting in config.identityProviders where registry.entry(setting.entityID) == nil {
                    warnings.append(
                        "idps: no metadata in \(config.idpMetadataDirectory) has the entity ID \(setting.entityID); "
                            + "its display_name and email_domains are unused.")
                }
            } catch {
                errors.append(error.description)
            }
        }
        warnings.removeAll { warning in errors.contains(warning) }
        return (errors, warnings)
    }

    /// Runs `gatehouse serve` until SIGTERM/SIGINT. With `developmentIdP`, its pages are
    /// mounted (demo and local development only; its metadata must be in the IdP folder).
    /// With `configPath`, SIGHUP re-reads that file and the IdP metadata folder.
    public static func serve(config: GatehouseConfig, configPath: String? = nil, developmentIdP: DevelopmentIdP? = nil) async throws {
        LoggingSystem.bootstrap(JSONLogHandler.factory(for: config.log))
        let logger = Logger(label: "gatehouse")
        let service: SAMLLoginService
        do {
            service = try makeLoginService(config)
        } catch {
            throw Failure([error.description])
        }
        if developmentIdP != nil {
            logger.warning(
                "THE DEVELOPMENT IDP IS ENABLED: anyone can sign in as anyone. Never use this outside local development.",
                metadata: ["idp": "\(developmentIdP?.entityID ?? "")"])
        }
        let check = ConfigCheck(metadataValidator: MetadataFileCheck.validator)
        let reloader = configPath.map { path in
            { @Sendable (gateway: Gateway) in
                ConfigReloader(configPath: path, gateway: gateway, check: check, logger: logger) { try makeLoginService($0) }
            }
        }
        try await GatehouseServer.run(
            config: config, loginService: service, check: check, logger: logger, developmentIdP: developmentIdP, reloader: reloader)
    }

    /// The SAML login service for `config`, trusting every IdP in its metadata folder.
    public static func makeLoginService(_ config: GatehouseConfig) throws(RegistryError) -> SAMLLoginService {
        try SAMLLoginService(config: config, registry: IdentityProviderRegistry.load(directory: config.idpMetadataDirectory))
    }

    /// What `gatehouse idp add` tells the admin after copying a file.
    public static let reloadHint = "send SIGHUP to the running gateway (e.g. `kill -HUP <pid>`) to reload; new logins then see the IdP"

    /// The SP metadata XML for `config` (signed when an SP key is configured).
    public static func serviceProviderMetadata(config: GatehouseConfig) throws(Failure) -> String {
        var metadata = ServiceProviderMetadata(entityID: config.entityID, assertionConsumerServiceURL: config.endpointURL("acs"))
        metadata.singleLogoutServiceURL = config.endpointURL("logout")
        guard let keyPath = config.serviceProvider.keyPath else { return metadata.xml }
        guard let keyPEM = try? String(contentsOfFile: keyPath, encoding: .utf8),
            let certificatePath = config.serviceProvider.certificatePath,
            let certificatePEM = try? String(contentsOfFile: certificatePath, encoding: .utf8)
        else {
            throw Failure(["the SP key and certificate (service_provider.key / .certificate) must both be readable"])
        }
        metadata.signingCertificateDER = ServiceProviderMetadata.certificateDER(pem: certificatePEM)
        metadata.encryptionCertificatesDER = metadata.signingCertificateDER.map { [$0] } ?? []
        do throws(XMLSecurityError) {
            return try metadata.signed(with: SigningKey(privateKeyPEM: keyPEM, certificatePEM: certificatePEM))
        } catch {
            throw Failure(["the SP key \(keyPath): \(error.detail)"])
        }
    }

    /// Validates `file` as IdP metadata and copies it into the configured folder.
    /// Returns the path written. Refuses an IdP already registered unless `replace`.
    public static func addIdP(file: String, config: GatehouseConfig, replace: Bool = false) throws(Failure) -> String {
        guard let data = FileManager.default.contents(atPath: file) else { throw Failure(["cannot read \(file)"]) }
        let errors = MetadataFileCheck.validator(file)
        guard errors.isEmpty else { throw Failure(errors.map { "\(file): \($0)" }) }
        let incoming: IdentityProviderRegistry
        do {
            incoming = try IdentityProviderRegistry(documents: [(file, Array(data))])
        } catch {
            throw Failure([error.description])
        }
        let directory = config.idpMetadataDirectory
        let existing = (try? IdentityProviderRegistry.load(directory: directory))?.entries ?? []
        for entry in incoming.entries {
            if let clash = existing.first(where: { $0.provider.entityID == entry.provider.entityID }),
                !replace || clash.source != target(for: incoming, in: directory)
            {
                throw Failure(["IdP \(entry.provider.entityID) is already registered by \(clash.source); remove that file first"])
            }
        }
        let path = target(for: incoming, in: directory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw Failure(["cannot write \(path): \(error.localizedDescription)"])
        }
        return path
    }

    /// A file name derived from the (first) entity ID: letters, digits, dots and dashes only.
    static func target(for registry: IdentityProviderRegistry, in directory: String) -> String {
        let entityID = registry.entries.first?.provider.entityID ?? "idp"
        let stripped = entityID.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "")
        let name = String(stripped.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }.prefix(100))
        return (directory as NSString).appendingPathComponent(name + ".xml")
    }
}
