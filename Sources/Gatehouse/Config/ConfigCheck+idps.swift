import Foundation

extension ConfigCheck {
    /// The `idps` list: one entry per entity ID, plausible email domains, no domain claimed by
    /// two IdPs (a typed address must lead to exactly one), and policies the SP key can serve.
    func identityProviderProblems(_ settings: [IdentityProviderSettings], hasServiceProviderKey: Bool = true) -> [ConfigProblem] {
        var found: [ConfigProblem] = []
        var seen: Set<String> = []
        var owners: [String: String] = [:]
        for setting in settings {
            if setting.entityID.isEmpty {
                found.append(.init(.error, "idps: an entry has an empty entity_id; copy the IdP's entity ID from its metadata."))
            } else if !seen.insert(setting.entityID).inserted {
                found.append(.init(.error, "idps: \(setting.entityID) is listed twice; keep one entry per IdP."))
            }
            if setting.signAuthnRequests == .always && !hasServiceProviderKey {
                found.append(
                    .init(
                        .error,
                        "idps: \(setting.entityID) has sign_authn_requests: always but service_provider has no key; set key and certificate."
                    ))
            }
            if setting.allowCBC == true && !hasServiceProviderKey {
                found.append(
                    .init(
                        .warning,
                        "idps: \(setting.entityID) has allow_cbc: true but service_provider has no key, so no assertion can be decrypted."))
            }
            if setting.requestedAuthnContext?.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) == true {
                found.append(
                    .init(.error, "idps: \(setting.entityID) has an empty entry in requested_authn_context; remove it."))
            }
            if let name = setting.displayName, name.trimmingCharacters(in: .whitespaces).isEmpty {
                found.append(.init(.error, "idps: \(setting.entityID) has an empty display_name; remove the field or give it a name."))
            }
            for domain in setting.emailDomains ?? [] {
                let normalized = domain.lowercased()
                guard Self.isPlausibleDomain(normalized) else {
                    found.append(
                        .init(
                            .error,
                            "idps: \(setting.entityID) lists '\(domain)' in email_domains; write the domain alone, e.g. example.com."))
                    continue
                }
                if let owner = owners[normalized], owner != setting.entityID {
                    found.append(
                        .init(
                            .error,
                            "idps: the email domain \(normalized) is claimed by both \(owner) and \(setting.entityID); give it to one."))
                }
                owners[normalized] = setting.entityID
            }
        }
        return found
    }

    /// A host name of two or more labels of letters, digits and inner hyphens.
    static func isPlausibleDomain(_ domain: String) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}
