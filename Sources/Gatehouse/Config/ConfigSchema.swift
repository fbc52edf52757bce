import Yams

/// The field names the configuration file may use, to catch typos that would otherwise
/// silently fall back to a default (`idle_timout`, `secure` misspelled…).
///
/// The names come from the `CodingKeys` of ``GatehouseConfig`` and its sections (see
/// ``ConfigSection``), so a field the decoder reads is always a known one.
public enum ConfigSchema {
    /// Dotted paths of every key in `yaml` that Gatehouse does not know, e.g.
    /// `session.idle_timout`. Free-form maps (`identity_headers.additional`,
    /// `access_rules[].attributes`) are not checked. Empty for unparsable YAML.
    public static func unknownFields(inYAML yaml: String) -> [String] {
        guard let root = try? Yams.compose(yaml: yaml)?.mapping else { return [] }
        return unknown(in: root, section: GatehouseConfig.self, displayPath: "")
    }

    /// The field names allowed in the mapping at dotted `path` (list positions as numbers),
    /// or nil when no section lives there.
    static func fieldNames(at path: [String]) -> Set<String>? {
        var section: any ConfigSection.Type = GatehouseConfig.self
        for component in path where Int(component) == nil {
            guard let nested = section.section(named: component) else { return nil }
            section = nested
        }
        return section.fieldNames
    }

    private static func unknown(in mapping: Node.Mapping, section: any ConfigSection.Type, displayPath: String) -> [String] {
        var found: [String] = []
        let allowed = section.fieldNames
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            let display = displayPath.isEmpty ? key : displayPath + "." + key
            guard allowed.contains(key) else {
                found.append(display)
                continue
            }
            guard let nested = section.section(named: key) else { continue }
            if let child = value.mapping {
                found += unknown(in: child, section: nested, displayPath: display)
            } else if let items = value.sequence {
                for (index, item) in items.enumerated() {
                    guard let child = item.mapping else { continue }
                    found += unknown(in: child, section: nested, displayPath: display + ".\(index)")
                }
            }
        }
        return found
    }
}
