public import Foundation

/// Validates a decoded configuration against the file system and common sense.
///
/// The CLI's `check-config` prints every problem; `serve` refuses to start on any error.
public struct ConfigCheck: Sendable {
    /// Checks one metadata file and returns problem sentences; plugged in by the SAML layer.
    public typealias MetadataValidator = @Sendable (_ path: String) -> [String]

    /// The instant certificates are judged at.
    public var now: Date
    /// Certificates expiring sooner than this give a warning.
    public var expiryWarning: TimeInterval = 30 * 86_400
    /// Validates each IdP metadata file; nil only checks that the folder holds XML files.
    public var metadataValidator: MetadataValidator?
    /// Whether the IdP metadata folder and `idps` are checked; off for commands that need
    /// only the SP side (`gatehouse metadata sp`).
    public var checksIdentityProviders = true

    /// A check at `now`.
    public init(now: Date = Date(), metadataValidator: MetadataValidator? = nil) {
        self.now = now
        self.metadataValidator = metadataValidator
    }

    /// Every problem found, errors and warnings; empty when the configuration is good.
    public func problems(in config: GatehouseConfig) -> [ConfigProblem] {
        var found: [ConfigProblem] = []
        found += urlProblems(config)
        found += pathProblems(config)
        found += sessionProblems(config)
        found += headerProblems(config)
        found += keyProblems(config.serviceProvider)
        found += scimProblems(config)
        if checksIdentityProviders {
            // With URL sources the folder is optional: its files are checked when it has any.
            if config.metadataSources.isEmpty || !Self.xmlFiles(in: config.idpMetadataDirectory).isEmpty {
                found += metadataProblems(config.idpMetadataDirectory)
            }
            found += metadataSourceProblems(config.metadataSources)
            found += identityProviderProblems(
                config.identityProviders, hasServiceProviderKey: config.serviceProvider.keyPath != nil)
        }
        return found
    }

    private func urlProblems(_ config: GatehouseConfig) -> [ConfigProblem] {
        var found: [ConfigProblem] = []
        if let problem = Self.baseURLProblem(config.externalURL, field: "external_url") {
            found.append(.init(.error, problem))
        } else if config.externalURL.lowercased().hasPrefix("http:"), config.cookie.secure {
            found.append(
                .init(
                    .error,
                    "external_url uses http but cookie.secure is true, so browsers would drop the session cookie; use https, or set cookie.secure to false for local development only."
                ))
        }
        if config.listen.headerReadTimeout.seconds < 1 || config.listen.idleTimeout.seconds < 1 {
            found.append(.init(.error, "listen.header_read_timeout and listen.idle_timeout must be at least 1s."))
        }
        if config.listen.maxConnections < 1 {
            found.append(.init(.error, "listen.max_connections must be at least 1."))
        }
        if !(0...65_535).contains(config.listen.port) {
            found.append(.init(.error, "listen.port \(config.listen.port) is not a TCP port; use a number from 1 to 65535."))
        }
        if let ops = config.listen.opsPort {
            if !(1...65_535).contains(ops) {
                found.append(.init(.error, "listen.ops_port \(ops) is not a TCP port; use a number from 1 to 65535."))
            } else if ops == config.listen.port {
                found.append(.init(.error, "listen.ops_port is listen.port (\(ops)); give metrics and health checks a port of their own."))
            }
        }
        if config.upstreams.isEmpty {
            found.append(.init(.error, "upstreams is empty; add at least one upstream with a url."))
        }
        var prefixes: Set<String> = []
        for (index, upstream) in config.upstreams.enumerated() {
            if let problem = Self.baseURLProblem(upstream.url, field: "upstreams.\(index).url", allowPath: true) {
                found.append(.init(.error, problem))
            }
            if !upstream.prefix.hasPrefix("/") {
                found.append(.init(.error, "upstreams.\(index).prefix '\(upstream.prefix)' must start with '/'."))
            }
            if !prefixes.insert(upstream.prefix).inserted {
                found.append(
                    .init(.error, "upstreams.\(index).prefix '\(upstream.prefix)' is used twice; give each upstream its own prefix."))
            }
        }
        for (index, cidr) in config.trustedProxies.enumerated() where IPAddressRange(cidr) == nil {
            found.append(.init(.error, "trusted_proxies.\(index) '\(cidr)' is not an IP address or CIDR range such as 10.0.0.0/8."))
        }
        return found
    }

    private func pathProblems(_ config: GatehouseConfig) -> [ConfigProblem] {
        var found: [ConfigProblem] = []
        let prefix = config.routePrefix
        if !prefix.hasPrefix("/") || prefix == "/" || prefix.contains("?") || prefix.contains("#") {
            found.append(.init(.error, "route_prefix '\(prefix)' must be a path such as /saml, not '/' itself."))
        }
        for (index, path) in config.publicPaths.enumerated() where !path.hasPrefix("/") {
            found.append(.init(.error, "public_paths.\(index) '\(path)' must start with '/'."))
        }
        for (index, rule) in config.accessRules.enumerated() {
            if !rule.prefix.hasPrefix("/") {
                found.append(.init(.error, "access_rules.\(index).prefix '\(rule.prefix)' must start with '/'."))
            }
            if rule.anyGroups.isEmpty, rule.attributes.isEmpty, rule.authnContext.isEmpty {
                found.append(
                    .init(
                        .warning,
                        "access_rules.\(index) for '\(rule.prefix)' requires nothing; add any_groups, attributes or authn_context, or remove it."
                    ))
            }
        }
        return found
    }

    private func sessionProblems(_ config: GatehouseConfig) -> [ConfigProblem] {
        var found: [ConfigProblem] = []
        let session = config.session
        if session.idleTimeout.seconds == 0 || session.absoluteTimeout.seconds == 0 {
            found.append(.init(.error, "session.idle_timeout and session.absolute_timeout must be longer than zero."))
        }
        if session.idleTimeout.seconds > session.absoluteTimeout.seconds {
            found.append(.init(.warning, "session.idle_timeout is longer than session.absolute_timeout, so it never applies."))
        }
        if session.store == .sqlite {
            let directory = (session.path as NSString).deletingLastPathComponent
            let folder = directory.isEmpty ? "." : directory
            if !Self.isDirectory(folder) {
                found.append(.init(.error, "session.path: the folder \(folder) does not exist; create it or point session.path elsewhere."))
            }
        }
        let cookieName = config.cookie.name
        if cookieName.isEmpty || !cookieName.allSatisfy(Self.isTokenCharacter) {
            found.append(.init(.error, "cookie.name '\(cookieName)' may only use letters, digits and !#$%&'*+-.^_`|~."))
        }
        return found
    }

    private func headerProblems(_ config: GatehouseConfig) -> [ConfigProblem] {
        var found: [ConfigProblem] = []
        let settings = config.identityHeaders
        for rule in settings.allRules {
            if rule.header.isEmpty || !rule.header.allSatisfy(Self.isTokenCharacter) {
                found.append(.init(.error, "identity_headers: '\(rule.header)' is not a valid header name."))
            }
            if !rule.fromNameID, rule.attributes.isEmpty {
                found.append(.init(.error, "identity_headers: \(rule.header) has no source; set name_id: true or list attributes."))
            }
        }
        if settings.maxValueBytes < 64 {
            found.append(.init(.error, "identity_headers.max_value_bytes must be at least 64."))
        }
        return found
    }

    private func metadataProblems(_ directory: String) -> [ConfigProblem] {
        guard Self.isDirectory(directory) else {
            return [.init(.error, "idp_metadata_dir: the folder \(directory) does not exist; create it and add one metadata file per IdP.")]
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.lowercased().hasSuffix(".xml") }.sorted()
        guard !files.isEmpty else {
            return [
                .init(
                    .error, "idp_metadata_dir: \(directory) holds no .xml metadata file; add your IdP's metadata (gatehouse idp add FILE).")
            ]
        }
        guard let metadataValidator else { return [] }
        return files.flatMap { file in
            let path = (directory as NSString).appendingPathComponent(file)
            return metadataValidator(path).map { ConfigProblem(.error, "\(path): \($0)") }
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.type] as? FileAttributeType) == .typeDirectory
    }

    static func isTokenCharacter(_ character: Character) -> Bool {
        guard character.isASCII, let scalar = character.unicodeScalars.first else { return false }
        return (character.isLetter || character.isNumber) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar)
    }

    /// A sentence saying what is wrong with an absolute http(s) URL, or nil when it is sane.
    static func baseURLProblem(_ text: String, field: String, allowPath: Bool = false) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return "\(field) '\(text)' is not a URL; write it like https://app.example.com."
        }
        guard scheme == "http" || scheme == "https" else {
            return "\(field) '\(text)' must use http or https."
        }
        guard let host = components.host, !host.isEmpty else {
            return "\(field) '\(text)' has no host name."
        }
        if components.query != nil || components.fragment != nil || components.user != nil {
            return "\(field) '\(text)' must not contain a query, fragment or user name."
        }
        if !allowPath, !(components.path.isEmpty || components.path == "/") {
            return "\(field) '\(text)' must not have a path; the gateway serves the whole host."
        }
        return nil
    }
}
