public import HTTPTypes

/// Pure functions that compute identity headers and strip client-sent impostors.
public enum IdentityHeaders {
    /// The headers `identity` earns under `settings`, in rule order. Rules with no value are
    /// left out. A multi-valued header keeps as many whole values as fit `maxValueBytes`;
    /// a single value that does not fit is left out rather than cut.
    public static func headers(for identity: SessionIdentity, settings: HeaderSettings) -> [IdentityHeader] {
        var result: [IdentityHeader] = []
        for rule in settings.allRules {
            let values: [String]
            if rule.fromNameID {
                values = [identity.nameID]
            } else {
                values = identity.values(forFirstOf: rule.attributes)
            }
            let cleaned = values.map(clean).filter { !$0.isEmpty }
            guard !cleaned.isEmpty else { continue }
            if !rule.allValues {
                guard cleaned[0].utf8.count <= settings.maxValueBytes else { continue }
                result.append(IdentityHeader(name: rule.header, value: cleaned[0]))
                continue
            }
            var kept: [String] = []
            var size = 0
            for value in cleaned {
                let added = value.utf8.count + (kept.isEmpty ? 0 : 1)
                if size + added > settings.maxValueBytes { break }
                kept.append(value)
                size += added
            }
            guard !kept.isEmpty else { continue }
            result.append(
                IdentityHeader(name: rule.header, value: kept.joined(separator: ","), truncated: kept.count < cleaned.count)
            )
        }
        return result
    }

    /// The comparison form of a header name: lower case, `_` read as `-`.
    ///
    /// Many servers (CGI, PHP, some frameworks) treat `X_Forwarded_User` as `X-Forwarded-User`,
    /// so a spoofed header must be caught in either spelling.
    public static func normalize(_ name: String) -> String {
        // Byte-wise: this runs for every header of every proxied request. Header names are
        // ASCII tokens; anything else is compared as it is (and never matches a reserved name).
        var needsChange = false
        for byte in name.utf8 where byte == UInt8(ascii: "_") || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) {
            needsChange = true
            break
        }
        guard needsChange else { return name }
        var bytes = Array(name.utf8)
        for index in bytes.indices {
            let byte = bytes[index]
            if byte == UInt8(ascii: "_") {
                bytes[index] = UInt8(ascii: "-")
            } else if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") {
                bytes[index] = byte + 32
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The normalized names of every header Gatehouse may set as identity.
    public static func reservedNames(settings: HeaderSettings) -> Set<String> {
        Set(settings.allRules.map { normalize($0.header) })
    }

    /// `fields` without any header that collides with an identity header, in any case or
    /// `-`/`_` spelling.
    public static func sanitize(_ fields: HTTPFields, settings: HeaderSettings) -> HTTPFields {
        sanitize(fields, reserved: reservedNames(settings: settings))
    }

    /// `fields` without any header whose normalized name is in `reserved`
    /// (from ``reservedNames(settings:)``, computed once per configuration).
    public static func sanitize(_ fields: HTTPFields, reserved: Set<String>) -> HTTPFields {
        let isImpostor = { (field: HTTPField) in reserved.contains(normalize(field.name.canonicalName)) }
        guard fields.contains(where: isImpostor) else { return fields }
        return HTTPFields(fields.filter { !isImpostor($0) })
    }

    /// `fields` sanitized, then carrying `identity`'s headers.
    public static func apply(
        _ identity: SessionIdentity,
        to fields: HTTPFields,
        settings: HeaderSettings
    ) -> HTTPFields {
        var result = sanitize(fields, settings: settings)
        for header in headers(for: identity, settings: settings) {
            guard let name = HTTPField.Name(header.name) else { continue }
            result.append(HTTPField(name: name, value: header.value))
        }
        return result
    }

    private static func clean(_ value: String) -> String {
        // Nearly every value is already clean: no control characters, no edge spaces.
        // (Bytes below 0x20 and 0x7F are exactly the scalars removed below; a tab is one of them.)
        let utf8 = value.utf8
        if utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7f }), utf8.first != 0x20, utf8.last != 0x20 {
            return value
        }
        return String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }))
            .trimmingSpaces()
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first == " " || slice.first == "\t" { slice.removeFirst() }
        while slice.last == " " || slice.last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
