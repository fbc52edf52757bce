public import Foundation

extension IdentityProviderRegistry {
    /// The entry for `entityID` if its metadata is still valid at `now`. An unknown IdP is
    /// ``LoginFailure/Code/unknownIdP``; one whose metadata passed its `validUntil` is
    /// ``LoginFailure/Code/metadataExpired``: expired metadata is never trusted.
    public func currentEntry(_ entityID: String, at now: Date) throws(LoginFailure) -> Entry {
        guard let entry = entry(entityID) else {
            throw LoginFailure(.unknownIdP, detail: "no IdP \(entityID) is registered", idp: entityID)
        }
        if let validUntil = entry.validUntil, validUntil <= now {
            throw LoginFailure(
                .metadataExpired,
                detail: "the metadata of \(entityID) from \(entry.source) expired at \(validUntil.formatted(.iso8601))",
                idp: entityID)
        }
        return entry
    }
}
