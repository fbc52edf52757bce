extension SCIMFilter {
    /// Parses a filter: every operator, `and`/`or`/`not`, parentheses, value paths
    /// (`emails[type eq "work"]`, and `emails[type eq "work"].value eq "…"`), URN-prefixed and
    /// dotted attribute paths, and string, number, boolean and null literals. Operators and
    /// keywords are case-insensitive; `and` binds tighter than `or`.
    ///
    /// - Throws: `invalidFilter` naming the position of the first problem, or a limit exceeded.
    public init(parsing text: String, limits: SCIMFilterLimits = .init()) throws(SCIMError) {
        guard text.count <= limits.maxLength else {
            throw SCIMError(.invalidFilter, "the filter has \(text.count) characters; at most \(limits.maxLength) are accepted")
        }
        var parser = SCIMFilterParser(tokens: try SCIMFilterLexer.tokens(text), limits: limits)
        self = try parser.filter()
    }
}

/// A token of the filter grammar.
enum SCIMFilterToken: Equatable {
    case open, close, openBracket, closeBracket
    case string(String)
    case word(String)
}

enum SCIMFilterLexer {
    static func tokens(_ text: String) throws(SCIMError) -> [(token: SCIMFilterToken, offset: Int)] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [(token: SCIMFilterToken, offset: Int)] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case " ", "\t", "\n", "\r":
                index += 1
            case "(": tokens.append((.open, index)); index += 1
            case ")": tokens.append((.close, index)); index += 1
            case "[": tokens.append((.openBracket, index)); index += 1
            case "]": tokens.append((.closeBracket, index)); index += 1
            case "\"":
                let start = index
                index += 1
                var raw = "\""
                var closed = false
                while index < scalars.count {
                    let character = scalars[index]
                    raw.unicodeScalars.append(character)
                    index += 1
                    if character == "\\", index < scalars.count {
                        raw.unicodeScalars.append(scalars[index])
                        index += 1
                    } else if character == "\"" {
                        closed = true
                        break
                    }
                }
                guard closed else { throw SCIMError(.invalidFilter, "unterminated string starting at \(start)") }
                // JSON string rules, so escapes mean what they mean in a request body.
                guard case .string(let value)? = try? SCIMValue.parse(json: raw) else {
                    throw SCIMError(.invalidFilter, "invalid string literal at \(start)")
                }
                tokens.append((.string(value), start))
            default:
                let start = index
                var word = ""
                while index < scalars.count, !" \t\n\r()[]\"".unicodeScalars.contains(scalars[index]) {
                    word.unicodeScalars.append(scalars[index])
                    index += 1
                }
                tokens.append((.word(word), start))
            }
        }
        return tokens
    }
}

struct SCIMFilterParser {
    let tokens: [(token: SCIMFilterToken, offset: Int)]
    let limits: SCIMFilterLimits
    /// How many tokens have been used.
    private(set) var index = 0
    var terms = 0

    init(tokens: [(token: SCIMFilterToken, offset: Int)], limits: SCIMFilterLimits) {
        self.tokens = tokens
        self.limits = limits
    }

    /// A whole filter: every token must be used.
    mutating func filter() throws(SCIMError) -> SCIMFilter {
        guard !tokens.isEmpty else { throw SCIMError(.invalidFilter, "the filter is empty") }
        let result = try disjunction(depth: 0, inValuePath: false)
        if index < tokens.count { throw unexpected() }
        return result
    }

    /// A PATCH path's value filter, up to (not including) the closing bracket.
    mutating func valueFilter() throws(SCIMError) -> SCIMFilter {
        try disjunction(depth: 1, inValuePath: true)
    }

    private var peek: SCIMFilterToken? { index < tokens.count ? tokens[index].token : nil }

    private func unexpected() -> SCIMError {
        guard index < tokens.count else { return SCIMError(.invalidFilter, "the filter ends too early") }
        let shown: String
        switch tokens[index].token {
        case .open: shown = "("
        case .close: shown = ")"
        case .openBracket: shown = "["
        case .closeBracket: shown = "]"
        case .string: shown = "a string"
        case .word(let word): shown = "\"\(word.prefix(40))\""
        }
        return SCIMError(.invalidFilter, "unexpected \(shown) at position \(tokens[index].offset)")
    }

    private func isKeyword(_ keyword: String) -> Bool {
        if case .word(let word)? = peek { return word.lowercased() == keyword }
        return false
    }

    private mutating func disjunction(depth: Int, inValuePath: Bool) throws(SCIMError) -> SCIMFilter {
        var operands = [try conjunction(depth: depth, inValuePath: inValuePath)]
        while isKeyword("or") {
            index += 1
            operands.append(try conjunction(depth: depth, inValuePath: inValuePath))
        }
        return operands.count == 1 ? operands[0] : .or(operands)
    }

    private mutating func conjunction(depth: Int, inValuePath: Bool) throws(SCIMError) -> SCIMFilter {
        var operands = [try unary(depth: depth, inValuePath: inValuePath)]
        while isKeyword("and") {
            index += 1
            operands.append(try unary(depth: depth, inValuePath: inValuePath))
        }
        return operands.count == 1 ? operands[0] : .and(operands)
    }

    private mutating func deeper(_ depth: Int) throws(SCIMError) -> Int {
        guard depth < limits.maxDepth else {
            throw SCIMError(.invalidFilter, "the filter nests deeper than \(limits.maxDepth) levels")
        }
        return depth + 1
    }

    private mutating func unary(depth: Int, inValuePath: Bool) throws(SCIMError) -> SCIMFilter {
        if isKeyword("not") {
            index += 1
            return .not(try unary(depth: try deeper(depth), inValuePath: inValuePath))
        }
        if peek == .open {
            index += 1
            let inner = try disjunction(depth: try deeper(depth), inValuePath: inValuePath)
            guard peek == .close else { throw unexpected() }
            index += 1
            return inner
        }
        return try attributeExpression(depth: depth, inValuePath: inValuePath)
    }

    private mutating func attributeExpression(depth: Int, inValuePath: Bool) throws(SCIMError) -> SCIMFilter {
        guard case .word(let word)? = peek, !["and", "or", "not"].contains(word.lowercased()) else { throw unexpected() }
        let path = try attributePath(word)
        index += 1
        if peek == .openBracket {
            guard !inValuePath else {
                throw SCIMError(.invalidFilter, "a value filter cannot contain another value filter (position \(tokens[index].offset))")
            }
            guard path.subAttribute == nil else { throw unexpected() }
            index += 1
            let inner = try disjunction(depth: try deeper(depth), inValuePath: true)
            guard peek == .closeBracket else { throw unexpected() }
            index += 1
            // `emails[type eq "work"].value eq "x"`: the comparison applies to the same element.
            if case .word(let next)? = peek, next.hasPrefix(".") {
                let sub = String(next.dropFirst())
                guard SCIMAttributePath.isAttributeName(Substring(sub)) else { throw unexpected() }
                index += 1
                let comparison = try comparison(on: SCIMAttributePath(name: sub))
                return .valuePath(path, .and([inner, comparison]))
            }
            return .valuePath(path, inner)
        }
        if inValuePath, path.schema != nil {
            throw SCIMError(.invalidFilter, "a value filter names sub-attributes only, not \"\(path)\"")
        }
        return try comparison(on: path)
    }

    private mutating func comparison(on path: SCIMAttributePath) throws(SCIMError) -> SCIMFilter {
        guard case .word(let word)? = peek else { throw unexpected() }
        terms += 1
        guard terms <= limits.maxTerms else {
            throw SCIMError(.invalidFilter, "the filter has more than \(limits.maxTerms) comparisons")
        }
        let name = word.lowercased()
        if name == "pr" {
            index += 1
            return .present(path)
        }
        guard let op = SCIMFilterOperator(rawValue: name) else {
            throw SCIMError(.invalidFilter, "\"\(word.prefix(40))\" at position \(tokens[index].offset) is not a comparison operator")
        }
        index += 1
        return .compare(path, op, try literal())
    }

    private mutating func literal() throws(SCIMError) -> SCIMValue {
        switch peek {
        case .string(let value)?:
            index += 1
            return .string(value)
        case .word(let word)?:
            let value: SCIMValue
            switch word.lowercased() {
            case "true": value = .bool(true)
            case "false": value = .bool(false)
            case "null": value = .null
            default:
                guard let number = try? SCIMValue.parse(json: word), number.doubleValue != nil else {
                    throw SCIMError(
                        .invalidFilter, "expected a value at position \(tokens[index].offset), found \"\(word.prefix(40))\"")
                }
                value = number
            }
            index += 1
            return value
        default:
            throw unexpected()
        }
    }

    private func attributePath(_ word: String) throws(SCIMError) -> SCIMAttributePath {
        do {
            return try SCIMAttributePath.parse(word)
        } catch {
            throw SCIMError(.invalidFilter, "\"\(word.prefix(80))\" at position \(tokens[index].offset) is not an attribute path")
        }
    }
}
