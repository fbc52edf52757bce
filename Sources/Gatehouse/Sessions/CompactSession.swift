import Foundation

/// A session as ``MemorySessionStore`` keeps it: the identity packed into one byte array.
///
/// A `SessionIdentity` with a dozen group names is some fifty heap objects (every string longer
/// than 15 bytes, every array, the dictionary); packed, it is one, so a session costs about as
/// much memory as its text (the budget is 2 KB per session).
struct CompactSession: Sendable {
    /// The identity, packed by ``pack(_:)``.
    let packedIdentity: [UInt8]
    var createdAt: Date
    var lastSeenAt: Date

    init(identity: SessionIdentity, createdAt: Date, lastSeenAt: Date) {
        packedIdentity = Self.pack(identity)
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }

    var identity: SessionIdentity { Self.unpack(packedIdentity) }

    /// The NameID alone (the first packed field), without unpacking the rest.
    var nameID: String {
        var reader = Reader(bytes: packedIdentity)
        return reader.string()
    }

    /// The fields revocation and listing select by, without unpacking the attributes: a sweep
    /// over every session in memory stays cheap however many groups each holds.
    var keys: Keys {
        var reader = Reader(bytes: packedIdentity)
        let nameID = reader.string()
        _ = reader.optional()
        let issuer = reader.string()
        let sessionIndex = reader.optional()
        return Keys(nameID: nameID, issuer: issuer, sessionIndex: sessionIndex, authnContextClassRef: reader.optional())
    }

    /// See ``keys``.
    struct Keys {
        var nameID: String
        var issuer: String
        var sessionIndex: String?
        var authnContextClassRef: String?
    }

    func session(idHash: String) -> Session {
        Session(idHash: idHash, identity: identity, createdAt: createdAt, lastSeenAt: lastSeenAt)
    }

    func isExpired(at now: Date, timeouts: SessionTimeouts) -> Bool {
        now >= createdAt.addingTimeInterval(timeouts.absolute) || now >= lastSeenAt.addingTimeInterval(timeouts.idle)
    }

    // Layout: nameID, format?, issuer, sessionIndex?, authnContextClassRef?, nameQualifier?,
    // spNameQualifier?, attribute count, then for each attribute its name, value count and
    // values; then, only when there is a provisioning link, its tenant, key, userID? and group
    // count and groups. Strings are a varint length and UTF-8; an optional is a
    // presence byte first.
    static func pack(_ identity: SessionIdentity) -> [UInt8] {
        var bytes: [UInt8] = []
        var size = 16 + identity.nameID.utf8.count + identity.issuer.utf8.count
        size += (identity.nameIDFormat?.utf8.count ?? 0) + (identity.sessionIndex?.utf8.count ?? 0)
        size += identity.authnContextClassRef?.utf8.count ?? 0
        size += (identity.nameQualifier?.utf8.count ?? 0) + (identity.spNameQualifier?.utf8.count ?? 0)
        for (name, values) in identity.attributes {
            size += 4 + name.utf8.count + values.reduce(0) { $0 + 2 + $1.utf8.count }
        }
        bytes.reserveCapacity(size)
        func varint(_ value: Int) {
            var value = UInt(value)
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
        }
        func string(_ text: String) {
            varint(text.utf8.count)
            bytes.append(contentsOf: text.utf8)
        }
        func optional(_ text: String?) {
            bytes.append(text == nil ? 0 : 1)
            if let text { string(text) }
        }
        string(identity.nameID)
        optional(identity.nameIDFormat)
        string(identity.issuer)
        optional(identity.sessionIndex)
        optional(identity.authnContextClassRef)
        optional(identity.nameQualifier)
        optional(identity.spNameQualifier)
        varint(identity.attributes.count)
        for (name, values) in identity.attributes {
            string(name)
            varint(values.count)
            for value in values { string(value) }
        }
        if let link = identity.provisioning {
            string(link.tenant)
            string(link.key)
            optional(link.userID)
            varint(link.groups.count)
            for group in link.groups { string(group) }
        }
        return bytes
    }

    static func unpack(_ bytes: [UInt8]) -> SessionIdentity {
        var reader = Reader(bytes: bytes)
        let nameID = reader.string()
        let format = reader.optional()
        let issuer = reader.string()
        let sessionIndex = reader.optional()
        let authnContextClassRef = reader.optional()
        let nameQualifier = reader.optional()
        let spNameQualifier = reader.optional()
        var attributes: [String: [String]] = [:]
        let count = reader.varint()
        attributes.reserveCapacity(count)
        for _ in 0..<count {
            let name = reader.string()
            let valueCount = reader.varint()
            var values: [String] = []
            values.reserveCapacity(valueCount)
            for _ in 0..<valueCount { values.append(reader.string()) }
            attributes[name] = values
        }
        var link: ProvisioningLink?
        if !reader.isAtEnd {
            let tenant = reader.string()
            let key = reader.string()
            let userID = reader.optional()
            var groups: [String] = []
            for _ in 0..<reader.varint() { groups.append(reader.string()) }
            link = ProvisioningLink(tenant: tenant, key: key, userID: userID, groups: groups)
        }
        return SessionIdentity(
            nameID: nameID, nameIDFormat: format, nameQualifier: nameQualifier, spNameQualifier: spNameQualifier, issuer: issuer,
            sessionIndex: sessionIndex, authnContextClassRef: authnContextClassRef, attributes: attributes, provisioning: link)
    }

    /// Reads what ``pack(_:)`` wrote (only ever our own bytes, never input from outside).
    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var isAtEnd: Bool { offset >= bytes.count }

        mutating func varint() -> Int {
            var value = 0
            var shift = 0
            while true {
                let byte = bytes[offset]
                offset += 1
                value |= Int(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }

        mutating func string() -> String {
            let length = varint()
            defer { offset += length }
            return String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)
        }

        mutating func optional() -> String? {
            let present = bytes[offset]
            offset += 1
            return present == 0 ? nil : string()
        }
    }
}
