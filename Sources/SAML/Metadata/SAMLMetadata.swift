import Foundation
public import XMLSecurity

/// A parsed metadata file: one `md:EntityDescriptor` or an `md:EntitiesDescriptor` aggregate
/// (nested aggregates flattened, validity inherited from the enclosing descriptors).
public struct SAMLMetadata: Sendable {
    /// Every entity, in document order.
    public var entities: [EntityDescriptor]
    /// Whether the root is an EntitiesDescriptor.
    public var isAggregate: Bool
    /// Whether the root carries a ds:Signature (verified only when keys were given).
    public var isSigned: Bool
    /// Whether the root's signature was verified against configured keys.
    public var signatureVerified: Bool
    /// The aggregate's `Name`, if any.
    public var name: String?

    /// Parse limits fit for metadata: federation aggregates are large (the UK federation's is
    /// about 70 MB), so 128 MiB.
    public static let defaultLimits = ParseLimits(maxBytes: 128 << 20, maxDepth: 64)

    /// Parses metadata. With `trustedKeys`, the root must carry a valid signature by one of them.
    public init(parsing bytes: [UInt8], trustedKeys: [TrustedKey]? = nil, limits: ParseLimits = SAMLMetadata.defaultLimits)
        throws(MetadataError)
    {
        let root: XMLElement
        do {
            root = try XMLDocument(parsing: bytes, limits: limits).root
        } catch {
            throw MetadataError(code: .malformed, detail: error.description)
        }
        let md = SAMLNamespace.metadata
        guard root.isNamed("EntityDescriptor", namespace: md) || root.isNamed("EntitiesDescriptor", namespace: md) else {
            throw MetadataError(
                code: .malformed, detail: "root is <\(root.localName)>, expected md:EntityDescriptor or md:EntitiesDescriptor")
        }
        isAggregate = root.localName == "EntitiesDescriptor"
        isSigned = !root.children(named: "Signature", namespace: SAMLNamespace.xmldsig).isEmpty
        name = root.attribute("Name")
        var verifiedRoot = root
        if let trustedKeys {
            do {
                verifiedRoot = try SignatureVerifier.verify(root, trustedKeys: trustedKeys).element
            } catch {
                throw MetadataError(code: .signatureInvalid, detail: "metadata signature: \(error.description)")
            }
            signatureVerified = true
        } else {
            signatureVerified = false
        }
        var entities: [EntityDescriptor] = []
        try Self.collect(verifiedRoot, validUntil: nil, cacheDuration: nil, into: &entities)
        self.entities = entities
    }

    /// Parses UTF-8 metadata text.
    public init(parsing text: String, trustedKeys: [TrustedKey]? = nil) throws(MetadataError) {
        try self.init(parsing: Array(text.utf8), trustedKeys: trustedKeys)
    }

    /// The entities that have an IdP role.
    public var identityProviderEntities: [EntityDescriptor] { entities.filter { $0.identityProvider != nil } }

    /// The entity with `entityID`, if present.
    public func entity(_ entityID: String) -> EntityDescriptor? { entities.first { $0.entityID == entityID } }

    /// Every IdP in the file, ready for the validator.
    public func identityProviders() throws(MetadataError) -> [IdentityProvider] {
        var result: [IdentityProvider] = []
        for entity in identityProviderEntities { result.append(try IdentityProvider(entity)) }
        return result
    }

    private static func collect(
        _ element: XMLElement, validUntil: Date?, cacheDuration: TimeInterval?, into entities: inout [EntityDescriptor]
    ) throws(MetadataError) {
        let until = [validUntil, element.attribute("validUntil").flatMap(SAMLInstant.parse)].compactMap { $0 }.min()
        let cache = [cacheDuration, element.attribute("cacheDuration").flatMap(XMLDuration.parse)].compactMap { $0 }.min()
        if element.localName == "EntitiesDescriptor" {
            for child in element.children where child.namespaceURI == SAMLNamespace.metadata {
                if child.localName == "EntitiesDescriptor" || child.localName == "EntityDescriptor" {
                    try collect(child, validUntil: until, cacheDuration: cache, into: &entities)
                }
            }
            return
        }
        guard let entityID = element.attribute("entityID"), !entityID.isEmpty else {
            throw MetadataError(code: .malformed, detail: "an EntityDescriptor has no entityID")
        }
        let idp = try element.firstChild(named: "IDPSSODescriptor", namespace: SAMLNamespace.metadata).map { (role) throws(MetadataError) in
            try parseIdentityProvider(role, entityID: entityID)
        }
        entities.append(
            EntityDescriptor(
                entityID: entityID, identityProvider: idp,
                hasServiceProviderRole: element.firstChild(named: "SPSSODescriptor", namespace: SAMLNamespace.metadata) != nil,
                validUntil: until, cacheDuration: cache))
    }

    private static func parseIdentityProvider(_ role: XMLElement, entityID: String) throws(MetadataError) -> IDPSSODescriptor {
        let md = SAMLNamespace.metadata
        var descriptor = IDPSSODescriptor()
        for key in role.children(named: "KeyDescriptor", namespace: md) {
            let use: KeyUse
            switch key.attribute("use") {
            case nil: use = .both
            case "signing": use = .signing
            case "encryption": use = .encryption
            case let other?: throw MetadataError(code: .malformed, detail: "\(entityID): KeyDescriptor use=\"\(other)\"")
            }
            let certificates = key.descendants(named: "X509Certificate", namespace: SAMLNamespace.xmldsig)
            for element in certificates {
                guard let der = Base64Text.decode(element.textContent) else {
                    throw MetadataError(code: .invalidCertificate, detail: "\(entityID): X509Certificate is not base64")
                }
                let info: CertificateInfo
                do {
                    info = try CertificateInfo(der: der, use: use)
                } catch {
                    throw MetadataError(code: .invalidCertificate, detail: "\(entityID): \(error.detail)")
                }
                if use.signs { descriptor.signingCertificates.append(info) }
                if use.encrypts { descriptor.encryptionCertificates.append(info) }
            }
        }
        descriptor.singleSignOnServices = endpoints(role, "SingleSignOnService")
        descriptor.singleLogoutServices = endpoints(role, "SingleLogoutService")
        descriptor.nameIDFormats = role.children(named: "NameIDFormat", namespace: md).map { $0.textContent.trimmed }
        let want = role.attribute("WantAuthnRequestsSigned")
        descriptor.wantAuthnRequestsSigned = want == "true" || want == "1"
        if let extensions = role.firstChild(named: "Extensions", namespace: md) {
            let names = extensions.descendants(named: "DisplayName", namespace: SAMLNamespace.mdui)
            let english = names.first { $0.attribute("lang", namespace: "http://www.w3.org/XML/1998/namespace") == "en" }
            descriptor.displayName = (english ?? names.first).map(\.textContent.trimmed).flatMap { $0.isEmpty ? nil : $0 }
            let hints =
                extensions.descendants(named: "DomainHint", namespace: SAMLNamespace.mdui)
                + extensions.descendants(named: "Scope", namespace: SAMLNamespace.shibmd).filter { $0.attribute("regexp") != "true" }
            var seen: Set<String> = []
            descriptor.domainHints = hints.map { $0.textContent.trimmed.lowercased() }.filter { !$0.isEmpty && seen.insert($0).inserted }
        }
        return descriptor
    }

    private static func endpoints(_ role: XMLElement, _ name: String) -> [Endpoint] {
        role.children(named: name, namespace: SAMLNamespace.metadata).compactMap { element in
            guard let binding = element.attribute("Binding"), let location = element.attribute("Location") else { return nil }
            return Endpoint(binding: binding, location: location, responseLocation: element.attribute("ResponseLocation"))
        }
    }
}
