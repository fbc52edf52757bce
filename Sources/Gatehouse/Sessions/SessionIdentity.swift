public import Foundation

/// Who a session belongs to: what the IdP asserted, kept server-side with the session.
///
/// The SAML layer maps its validated identity into this value at login.
public struct SessionIdentity: Sendable, Codable, Equatable {
    /// The NameID's full text content.
    public var nameID: String
    /// The NameID's Format URI, if any.
    public var nameIDFormat: String?
    /// The NameID's NameQualifier, if the IdP sent one: an SP-initiated LogoutRequest repeats it.
    public var nameQualifier: String?
    /// The NameID's SPNameQualifier, if the IdP sent one: an SP-initiated LogoutRequest repeats it.
    public var spNameQualifier: String?
    /// The IdP's entity ID (the Issuer).
    public var issuer: String
    /// The AuthnStatement's SessionIndex, for single logout.
    public var sessionIndex: String?
    /// How the user authenticated at the IdP (the AuthnContextClassRef), if the IdP said.
    public var authnContextClassRef: String?
    /// Attribute values keyed by attribute Name (and FriendlyName, when the IdP sent one).
    public var attributes: [String: [String]]
    /// The SCIM-provisioned user this login is linked to, and that user's SCIM groups; nil
    /// when provisioning was off at login (and in sessions stored before it existed).
    public var provisioning: ProvisioningLink?

    /// An identity asserted by `issuer` for `nameID`.
    public init(
        nameID: String,
        nameIDFormat: String? = nil,
        nameQualifier: String? = nil,
        spNameQualifier: String? = nil,
        issuer: String,
        sessionIndex: String? = nil,
        authnContextClassRef: String? = nil,
        attributes: [String: [String]] = [:],
        provisioning: ProvisioningLink? = nil
    ) {
        self.nameID = nameID
        self.nameIDFormat = nameIDFormat
        self.nameQualifier = nameQualifier
        self.spNameQualifier = spNameQualifier
        self.issuer = issuer
        self.sessionIndex = sessionIndex
        self.authnContextClassRef = authnContextClassRef
        self.attributes = attributes
        self.provisioning = provisioning
    }

    /// The values of the first attribute in `names` that is present, matching exactly first and
    /// then ignoring case; empty when none is.
    public func values(forFirstOf names: [String]) -> [String] {
        for name in names {
            if let values = attributes[name], !values.isEmpty { return values }
        }
        for name in names {
            let lowered = name.lowercased()
            if let match = attributes.first(where: { $0.key.lowercased() == lowered && !$0.value.isEmpty }) {
                return match.value
            }
        }
        return []
    }
}

extension SessionIdentity {
    /// The identity as the JSON `JSONDecoder` reads back into this type (the SQLite store's
    /// `identity` column), written directly: `JSONEncoder` was a tenth of the CPU of a login.
    /// Keys are the synthesized `Codable` keys; absent optionals are left out, as
    /// `JSONEncoder` leaves them out, so identities stored before a field existed decode
    /// with that field nil.
    public func storageJSON() -> Data {
        // Every string plus quotes and separators; escapes are rare enough to grow into.
        var size = 96 + nameID.utf8.count + issuer.utf8.count + (nameIDFormat?.utf8.count ?? 0) + (sessionIndex?.utf8.count ?? 0)
        size += 24 + (authnContextClassRef?.utf8.count ?? 0)
        size += 40 + (nameQualifier?.utf8.count ?? 0) + (spNameQualifier?.utf8.count ?? 0)
        for (name, values) in attributes {
            size += name.utf8.count + 6
            for value in values { size += value.utf8.count + 3 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        out.append(UInt8(ascii: "{"))
        Self.appendKey("nameID", to: &out, first: true)
        Self.appendString(nameID, to: &out)
        if let nameIDFormat {
            Self.appendKey("nameIDFormat", to: &out)
            Self.appendString(nameIDFormat, to: &out)
        }
        if let nameQualifier {
            Self.appendKey("nameQualifier", to: &out)
            Self.appendString(nameQualifier, to: &out)
        }
        if let spNameQualifier {
            Self.appendKey("spNameQualifier", to: &out)
            Self.appendString(spNameQualifier, to: &out)
        }
        Self.appendKey("issuer", to: &out)
        Self.appendString(issuer, to: &out)
        if let sessionIndex {
            Self.appendKey("sessionIndex", to: &out)
            Self.appendString(sessionIndex, to: &out)
        }
        if let authnContextClassRef {
            Self.appendKey("authnContextClassRef", to: &out)
            Self.appendString(authnContextClassRef, to: &out)
        }
        Self.appendKey("attributes", to: &out)
        out.append(UInt8(ascii: "{"))
        var firstAttribute = true
        for (name, values) in attributes {
            if !firstAttribute { out.append(UInt8(ascii: ",")) }
            firstAttribute = false
            Self.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendString(value, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        if let provisioning {
            Self.appendKey("provisioning", to: &out)
            out.append(UInt8(ascii: "{"))
            Self.appendKey("tenant", to: &out, first: true)
            Self.appendString(provisioning.tenant, to: &out)
            Self.appendKey("key", to: &out)
            Self.appendString(provisioning.key, to: &out)
            if let userID = provisioning.userID {
                Self.appendKey("userID", to: &out)
                Self.appendString(userID, to: &out)
            }
            Self.appendKey("groups", to: &out)
            out.append(UInt8(ascii: "["))
            for (index, group) in provisioning.groups.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendString(group, to: &out)
            }
            out.append(UInt8(ascii: "]"))
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendKey(_ key: String, to out: inout [UInt8], first: Bool = false) {
        if !first { out.append(UInt8(ascii: ",")) }
        appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as `\u00XX`, the rest
    /// as its UTF-8 bytes.
    private static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
