extension ConfigSchema {
    /// The sentence `check-config` and `serve` print for an unknown field at dotted `path`
    /// (as ``unknownFields(inYAML:)`` names it), with the likely intended field when one is
    /// close: "unknown field session.idle_timout; did you mean idle_timeout?".
    public static func problem(forUnknownField path: String) -> String {
        if let known = suggestion(forUnknownField: path) {
            return "unknown field \(path); did you mean \(known)?"
        }
        return "unknown field \(path); Gatehouse does not read it, so remove it or fix its name "
            + "(Config/gatehouse.example.yaml lists every field)."
    }

    /// The known field at the same level closest to the unknown one, if it is close enough
    /// to be a typo (at most two edits, fewer than half its letters).
    public static func suggestion(forUnknownField path: String) -> String? {
        var components = path.split(separator: ".").map(String.init)
        guard let key = components.popLast() else { return nil }
        let allowed = fieldNames(at: components) ?? []
        let typed = key.lowercased()
        var best: (field: String, distance: Int)?
        for field in allowed.sorted() {
            let distance = editDistance(typed, field)
            guard distance <= 2, distance * 2 < max(typed.count, field.count) else { continue }
            if distance < best?.distance ?? Int.max { best = (field, distance) }
        }
        return best?.field
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and
    /// transpositions of neighbours (`secrue` → `secure` is one edit).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
