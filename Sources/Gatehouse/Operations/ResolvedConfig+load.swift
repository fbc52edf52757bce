public import Foundation

/// What loading and checking a configuration found: the sentences `check-config` prints,
/// and the resolved configuration when there is no error.
public struct ConfigReport: Sendable {
    /// The configuration, ready to run; nil when there is any error.
    public var resolved: ResolvedConfig?
    /// Problems that stop `serve`, a reload and `metadata sp`.
    public var errors: [String]
    /// Problems worth fixing that do not stop anything.
    public var warnings: [String]
}

extension ResolvedConfig {
    /// Loads the file at `path` with environment overrides and checks and resolves it:
    /// every unknown field, then either why it does not decode or every problem
    /// ``resolve(_:now:)`` finds.
    /// With `identityProviders` false (for `gatehouse metadata sp`, which an admin runs before
    /// any IdP is registered) the IdP metadata folder and `idps` are neither checked nor read.
    /// `verified` holds metadata sources' copies already verified in this process (see
    /// ``IdentityProviderRegistry/load(config:now:verified:)``).
    public static func resolve(
        configAt path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        now: Date = Date(),
        identityProviders: Bool = true,
        verified: [VerifiedMetadataCopy] = []
    ) -> ConfigReport {
        let (loaded, errors) = read(path: path, environment: environment)
        guard let config = loaded else { return ConfigReport(resolved: nil, errors: errors, warnings: []) }
        var report = resolve(config, now: now, identityProviders: identityProviders, verified: verified)
        report.errors = errors + report.errors
        if !report.errors.isEmpty { report.resolved = nil }
        return report
    }

    /// Checks a decoded configuration (``ConfigCheck`` with the IdP metadata checks, and
    /// `logout.return_to` against ``ReturnPath``, which the config layer cannot use) and, when
    /// that finds no error, reads the SP key pair and the IdP metadata folder and builds the
    /// SP metadata.
    public static func resolve(
        _ config: GatehouseConfig, now: Date = Date(), identityProviders: Bool = true, verified: [VerifiedMetadataCopy] = []
    ) -> ConfigReport {
        var check = ConfigCheck(now: now, metadataValidator: MetadataFileCheck.validator)
        check.checksIdentityProviders = identityProviders
        let problems = check.problems(in: config)
        var errors = problems.filter { $0.severity == .error }.map(\.message)
        var warnings = problems.filter { $0.severity == .warning }.map(\.message)
        if let returnTo = config.logout.returnTo, ReturnPath.validate(returnTo, externalURL: config.externalURL) == nil {
            errors.append(
                "logout.return_to '\(returnTo)' is not a page of this site; write a path such as /signed-out "
                    + "(or a URL on external_url), or leave it out to show the gateway's signed-out page.")
        }
        if identityProviders {
            warnings += MetadataFileCheck.warnings(directory: config.idpMetadataDirectory, now: now)
        }
        var resolved: ResolvedConfig?
        if errors.isEmpty {
            do {
                var registry = try IdentityProviderRegistry(documents: [])
                if identityProviders {
                    let loaded = try IdentityProviderRegistry.load(config: config, now: now, verified: verified)
                    registry = loaded.registry
                    warnings += loaded.warnings
                }
                resolved = try ResolvedConfig(
                    config: config, serviceProviderKeys: try ServiceProviderKeys.load(config.serviceProvider), registry: registry)
                for setting in config.identityProviders where registry.entry(setting.entityID) == nil {
                    warnings.append(
                        "idps: no metadata in \(config.idpMetadataDirectory) has the entity ID \(setting.entityID); "
                            + "its display_name and email_domains are unused.")
                }
            } catch let error as RegistryError {
                errors.append(error.description)
            } catch let error as ConfigError {
                errors.append(error.message)
            } catch {
                errors.append("\(error)")
            }
        }
        warnings.removeAll { warning in errors.contains(warning) }
        return ConfigReport(resolved: errors.isEmpty ? resolved : nil, errors: errors, warnings: warnings)
    }

    /// The configuration at `path` (nil when it does not decode) and the error sentences: one
    /// per unknown field, plus the decoding error. Unknown fields are errors: a misspelled field
    /// would otherwise silently keep its default.
    static func read(path: String, environment: [String: String]) -> (config: GatehouseConfig?, errors: [String]) {
        var errors: [String] = []
        if let yaml = try? String(contentsOfFile: path, encoding: .utf8) {
            errors = ConfigSchema.unknownFields(inYAML: yaml).map { "\(path): " + ConfigSchema.problem(forUnknownField: $0) }
        }
        do {
            return (try ConfigLoader.load(path: path, environment: environment), errors)
        } catch {
            return (nil, errors + [error.message])
        }
    }
}
