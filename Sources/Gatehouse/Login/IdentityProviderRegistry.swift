public import Foundation
public import SAML

/// Every IdP Gatehouse trusts, loaded from the metadata folder (single entities or aggregates).
public struct IdentityProviderRegistry: Sendable {
    /// One registered IdP.
    public struct Entry: Sendable {
        /// Entity ID and trusted signing keys, for the validator.
        public var provider: IdentityProvider
        /// The IdP role as published: endpoints, certificates, NameID formats.
        public var descriptor: IDPSSODescriptor
        /// What the chooser shows.
        public var summary: IdentityProviderSummary
        /// The file or URL it came from, for messages.
        public var source: String
        /// When its metadata stops being valid (`validUntil`, inherited from an aggregate);
        /// after that instant no login with this IdP is accepted.
        public var validUntil: Date?
    }

    /// The IdPs in a stable order (display name, then entity ID).
    public private(set) var entries: [Entry]
    /// Position in ``entries`` by entity ID: a federation registers thousands of IdPs, and every
    /// login looks one up.
    private var positions: [String: Int] = [:]

    /// Builds the registry from metadata documents; `sources` name them in errors.
    public init(documents: [(source: String, bytes: [UInt8])]) throws(RegistryError) {
        var parsed: [(source: String, metadata: SAMLMetadata)] = []
        for (source, bytes) in documents {
            do {
                parsed.append((source, try SAMLMetadata(parsing: bytes)))
            } catch {
                throw RegistryError("\(source): \(error.description)")
            }
        }
        try self.init(metadata: parsed)
    }

    /// Builds the registry from parsed metadata (for signed sources: parsed from the verified
    /// element); `sources` name them in errors.
    public init(metadata documents: [(source: String, metadata: SAMLMetadata)]) throws(RegistryError) {
        var entries: [Entry] = []
        var seen: [String: String] = [:]
        for (source, metadata) in documents {
            for entity in metadata.identityProviderEntities {
                guard let descriptor = entity.identityProvider else { continue }
                if let first = seen[entity.entityID] {
                    throw RegistryError("\(source): IdP \(entity.entityID) is already registered by \(first)")
                }
                seen[entity.entityID] = source
                let provider: IdentityProvider
                do {
                    provider = try IdentityProvider(entity)
                } catch {
                    throw RegistryError("\(source): \(error.description)")
                }
                let summary = IdentityProviderSummary(
                    entityID: entity.entityID, displayName: descriptor.displayName ?? entity.entityID,
                    emailDomains: descriptor.domainHints)
                entries.append(
                    Entry(
                        provider: provider, descriptor: descriptor, summary: summary, source: source, validUntil: entity.validUntil))
            }
        }
        self.entries = entries.sorted {
            ($0.summary.displayName.lowercased(), $0.summary.entityID) < ($1.summary.displayName.lowercased(), $1.summary.entityID)
        }
        for (position, entry) in self.entries.enumerated() { positions[entry.provider.entityID] = position }
    }

    /// Loads every `*.xml` file in `directory`. An empty or missing folder is an error:
    /// a gateway with no IdP can sign nobody in.
    public static func load(directory: String) throws(RegistryError) -> IdentityProviderRegistry {
        let registry = try IdentityProviderRegistry(documents: try documents(in: directory))
        guard !registry.entries.isEmpty else {
            throw RegistryError("no IdP metadata in \(directory); add one with `gatehouse idp add FILE`")
        }
        return registry
    }

    /// The `*.xml` files in `directory`, sorted by name, with their paths.
    static func documents(in directory: String) throws(RegistryError) -> [(source: String, bytes: [UInt8])] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".xml") }.sorted()
        } catch {
            throw RegistryError("the IdP metadata folder \(directory) cannot be read")
        }
        var documents: [(source: String, bytes: [UInt8])] = []
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path) else { throw RegistryError("\(path) cannot be read") }
            documents.append((path, Array(data)))
        }
        return documents
    }

    /// The entry for `entityID`, if registered.
    public func entry(_ entityID: String) -> Entry? {
        positions[entityID].map { entries[$0] }
    }
}

/// Why the IdP registry could not be built: one sentence naming the file.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    /// The sentence.
    public var description: String
    /// An error with `description`.
    public init(_ description: String) { self.description = description }
}
