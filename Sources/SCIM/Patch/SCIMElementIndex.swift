/// Finds the values of a multi-valued attribute that are "the same value" as a given one
/// without comparing against every element, so adding or removing thousands of group members
/// in one request stays linear.
struct SCIMElementIndex {
    private let definition: SCIMAttribute?
    private var byKey: [String: [Int]] = [:]
    private var unkeyed: [Int] = []

    init(_ elements: [SCIMValue], _ definition: SCIMAttribute?) {
        self.definition = definition
        for (position, element) in elements.enumerated() { insert(element, at: position) }
    }

    mutating func insert(_ element: SCIMValue, at position: Int) {
        if let key = key(of: element) {
            byKey[key, default: []].append(position)
        } else {
            unkeyed.append(position)
        }
    }

    /// The positions in `elements` (the array this index was built over) holding `element`.
    func matches(of element: SCIMValue, in elements: [SCIMValue]) -> [Int] {
        let candidates = key(of: element).map { (byKey[$0] ?? []) + unkeyed } ?? Array(elements.indices)
        return candidates.sorted().filter { SCIMPatcher.sameElement(elements[$0], element, definition) }
    }

    /// Equal keys are necessary for `SCIMPatcher.sameElement`: the folded `value` of a complex
    /// value, or the folded value itself for a simple one.
    private func key(of element: SCIMValue) -> String? {
        var value = element
        var leaf = definition
        if let object = element.objectValue {
            guard let inner = object["value"] else { return nil }
            value = inner
            leaf = definition?.subAttribute(named: "value")
        }
        switch value {
        case .string(let text): return "s" + (leaf?.caseExact == true ? text : text.lowercased())
        case .bool(let flag): return flag ? "t" : "f"
        case .integer, .decimal: return value.doubleValue.map { "n\($0)" }
        default: return nil
        }
    }
}
