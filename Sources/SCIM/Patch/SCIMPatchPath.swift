/// A PATCH `path` (RFC 7644 §3.5.2): `attrPath`, or `attrPath[valFilter]` optionally followed by
/// `.subAttr`, or a bare extension URN naming the whole extension.
public struct SCIMPatchPath: Sendable, Equatable, CustomStringConvertible {
    /// The attribute (with its sub-attribute when no filter is given).
    public var attribute: SCIMAttributePath
    /// The value filter selecting elements of a multi-valued attribute.
    public var filter: SCIMFilter?
    /// The sub-attribute after the value filter (`emails[type eq "work"].value`).
    public var filteredSubAttribute: String?
    /// The text as written.
    public var description: String

    /// Parses `text`. Operators and keywords inside the filter follow `SCIMFilter`.
    ///
    /// - Throws: `invalidPath`.
    public init(parsing text: String, limits: SCIMFilterLimits = .init()) throws(SCIMError) {
        description = text
        guard !text.isEmpty, text.count <= limits.maxLength else {
            throw SCIMError(.invalidPath, text.isEmpty ? "the path is empty" : "the path is longer than \(limits.maxLength) characters")
        }
        let tokens: [(token: SCIMFilterToken, offset: Int)]
        do {
            tokens = try SCIMFilterLexer.tokens(text)
        } catch {
            throw SCIMError(.invalidPath, "\"\(text.prefix(80))\" is not a valid path: \(error.detail)")
        }
        guard case .word(let word)? = tokens.first?.token else {
            throw SCIMError(.invalidPath, "\"\(text.prefix(80))\" does not start with an attribute name")
        }
        attribute = try SCIMAttributePath.parse(word)
        guard tokens.count > 1 else { return }
        guard tokens[1].token == .openBracket, attribute.subAttribute == nil else {
            throw SCIMError(.invalidPath, "\"\(text.prefix(80))\" is not a valid path")
        }
        var parser = SCIMFilterParser(tokens: Array(tokens.dropFirst(2)), limits: limits)
        let inner: SCIMFilter
        do {
            inner = try parser.valueFilter()
        } catch {
            throw SCIMError(.invalidPath, "the filter in \"\(text.prefix(80))\" is invalid: \(error.detail)")
        }
        var rest = Array(tokens.dropFirst(2 + parser.index))
        guard rest.first?.token == .closeBracket else {
            throw SCIMError(.invalidPath, "the filter in \"\(text.prefix(80))\" is not closed by ]")
        }
        rest.removeFirst()
        filter = inner
        if let next = rest.first {
            guard case .word(let word) = next.token, word.hasPrefix("."), rest.count == 1,
                SCIMAttributePath.isAttributeName(word.dropFirst())
            else {
                throw SCIMError(.invalidPath, "unexpected text after ] in \"\(text.prefix(80))\"")
            }
            filteredSubAttribute = String(word.dropFirst())
        }
    }

    public static func == (lhs: SCIMPatchPath, rhs: SCIMPatchPath) -> Bool {
        lhs.attribute == rhs.attribute && lhs.filter == rhs.filter
            && lhs.filteredSubAttribute?.lowercased() == rhs.filteredSubAttribute?.lowercased()
    }
}
