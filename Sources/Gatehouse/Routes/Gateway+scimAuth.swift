import Crypto
import Foundation
import HTTPTypes

/// Who a SCIM request comes from: the label of the token it presented and the tenant that
/// token writes (an IdP's entity ID, or "" for a token not bound to one IdP).
struct SCIMCaller: Sendable, Equatable {
    /// The token's label, for audit lines.
    var label: String
    /// The tenant every read and write of the request is confined to.
    var tenant: String
}

extension Gateway {
    /// The caller a request's `Authorization: Bearer` token names under `config`.
    ///
    /// The token's SHA-256 is compared with every configured hash (the global ones, then
    /// each IdP's) in constant time and without stopping at a match, so the answer's timing
    /// says nothing about which hash, or how much of one, matched.
    ///
    /// - Throws: a 401 ``SCIMFailure`` when the header is missing, is not a bearer token, or
    ///   names no configured token.
    static func scimCaller(_ fields: HTTPFields, config: GatehouseConfig) throws(SCIMFailure) -> SCIMCaller {
        guard let header = fields[.authorization] else {
            throw .unauthorized("this endpoint needs an Authorization: Bearer token")
        }
        let scheme = header.prefix(7)
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard scheme.lowercased() == "bearer ", !token.isEmpty else {
            throw .unauthorized("the Authorization header must carry a bearer token")
        }
        let digest = Array(SHA256.hash(data: Data(token.utf8)))
        var candidates = config.scim.tokens.map { (token: $0, tenant: "") }
        for idp in config.identityProviders {
            if let token = idp.scimToken { candidates.append((token: token, tenant: idp.entityID)) }
        }
        var found: SCIMCaller?
        for candidate in candidates {
            if digestsEqual(digest, hex: candidate.token.sha256), found == nil {
                found = SCIMCaller(label: candidate.token.label, tenant: candidate.tenant)
            }
        }
        guard let found else { throw .unauthorized("the bearer token is not one this gateway accepts") }
        return found
    }

    /// Whether `digest` equals the 32 bytes written as 64 hex digits in `hex`, in time that
    /// depends only on the lengths.
    static func digestsEqual(_ digest: [UInt8], hex: String) -> Bool {
        let digits = Array(hex.utf8)
        guard digits.count == digest.count * 2 else { return false }
        var difference: UInt8 = 0
        var valid = true
        for index in digest.indices {
            guard let high = hexValue(digits[2 * index]), let low = hexValue(digits[2 * index + 1]) else {
                valid = false
                continue
            }
            difference |= digest[index] ^ (high << 4 | low)
        }
        return valid && difference == 0
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
