extension ConfigCheck {
    /// The `scim` section and the per-IdP tokens: a service that is on can be reached by some
    /// token, each token hash names exactly one tenant, and a token that nothing reads is named.
    func scimProblems(_ config: GatehouseConfig) -> [ConfigProblem] {
        var found: [ConfigProblem] = []
        let scim = config.scim
        var owners: [String: String] = [:]
        var places = scim.tokens.map { (token: $0, place: "scim.tokens_sha256") }
        for idp in config.identityProviders {
            if let token = idp.scimToken { places.append((token: token, place: "idps: \(idp.entityID)")) }
        }
        for (token, place) in places {
            if let owner = owners[token.sha256] {
                let message =
                    owner == place
                    ? "\(place) lists the token \(token.label) twice; keep one entry."
                    : "the token \(token.label) is configured in both \(owner) and \(place); a token must write for one tenant, so make a token for each."
                found.append(.init(.error, message))
            }
            owners[token.sha256] = place
        }
        if scim.enabled && places.isEmpty {
            found.append(
                .init(
                    .error,
                    "scim: enabled but no token is configured, so every request would be refused; run `gatehouse scim token` and add its hash to scim.tokens_sha256."
                ))
        }
        if !scim.enabled && !places.isEmpty {
            found.append(.init(.warning, "scim: tokens are configured but scim.enabled is false, so /scim/v2 answers 404."))
        }
        if scim.maxBodyBytes < 4096 {
            found.append(
                .init(.error, "scim: max_body_bytes is \(scim.maxBodyBytes); an IdP's group push needs far more, use at least 4096."))
        }
        return found
    }
}
