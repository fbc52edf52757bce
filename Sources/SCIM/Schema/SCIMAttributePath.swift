/// An attribute reference as filters, PATCH paths and `attributes=` lists write it (RFC 7644
/// §3.10): an optional schema URN, an attribute name and an optional sub-attribute name.
public struct SCIMAttributePath: Sendable, Hashable, CustomStringConvertible {
    /// The schema URN prefix, if one was written.
    public var schema: String?
    /// The attribute name.
    public var name: String
    /// The sub-attribute name, if one was written.
    public var subAttribute: String?

    /// A path.
    public init(schema: String? = nil, name: String, subAttribute: String? = nil) {
        self.schema = schema
        self.name = name
        self.subAttribute = subAttribute
    }

    public var description: String {
        (schema.map { $0 + ":" } ?? "") + name + (subAttribute.map { "." + $0 } ?? "")
    }

    public static func == (lhs: SCIMAttributePath, rhs: SCIMAttributePath) -> Bool {
        lhs.schema?.lowercased() == rhs.schema?.lowercased() && lhs.name.scimEquals(rhs.name)
            && lhs.subAttribute?.lowercased() == rhs.subAttribute?.lowercased()
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(schema?.lowercased())
        hasher.combine(name.lowercased())
        hasher.combine(subAttribute?.lowercased())
    }

    /// Parses `[urn:…:]name[.sub]`. A URN prefix is split at the last `:` before the name, so
    /// the dots in `…:enterprise:2.0:User:manager.value` stay in the URN.
    ///
    /// - Throws: `invalidPath` when a name is not an RFC 7643 §2.1 ATTRNAME.
    public static func parse(_ text: String) throws(SCIMError) -> SCIMAttributePath {
        var schema: String?
        var rest = Substring(text)
        if let colon = text.lastIndex(of: ":") {
            schema = String(text[..<colon])
            rest = text[text.index(after: colon)...]
            guard schema!.lowercased().hasPrefix("urn:") else {
                throw SCIMError(.invalidPath, "\"\(text)\" is not an attribute path")
            }
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ isAttributeName($0) }) else {
            throw SCIMError(.invalidPath, "\"\(text)\" is not an attribute path")
        }
        return SCIMAttributePath(schema: schema, name: String(parts[0]), subAttribute: parts.count == 2 ? String(parts[1]) : nil)
    }

    /// RFC 7643 §2.1 ATTRNAME, plus `$ref`.
    static func isAttributeName(_ name: Substring) -> Bool {
        if name == "$ref" { return true }
        guard let first = name.unicodeScalars.first, first.isASCIILetter else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
