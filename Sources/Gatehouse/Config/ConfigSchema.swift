import Yams

/// The field names the configuration file may use, to catch typos that would otherwise
/// silently fall back to a default (`idle_timout`, `secure` misspelled…).
public enum ConfigSchema {
    static let top: Set<String> = [
        "listen", "external_url", "route_prefix", "service_provider", "idp_metadata_dir", "idps", "upstreams", "session",
        "cookie", "identity_headers", "access_rules", "public_paths", "clock_skew", "unsolicited_responses",
        "trusted_proxies", "log", "paths",
    ]
    static let nested: [String: Set<String>] = [
        "listen": ["address", "port", "header_read_timeout", "idle_timeout", "max_connections"],
        "paths": ["semicolons", "encoded_slashes", "encoded_percent", "rule_case"],
        "service_provider": ["entity_id", "key", "certificate"],
        "idps[]": ["entity_id", "display_name", "email_domains"],
        "upstreams[]": ["url", "prefix", "connect_timeout", "read_timeout", "strip_prefix", "ca_file"],
        "session": ["store", "path", "idle_timeout", "absolute_timeout", "pending_login_timeout"],
        "cookie": ["name", "secure", "domain"],
        "identity_headers": ["headers", "additional", "max_value_bytes", "group_attributes"],
        "identity_headers.headers[]": ["header", "name_id", "attributes", "all_values"],
        "access_rules[]": ["prefix", "any_groups", "attributes"],
        "log": ["format", "level"],
    ]

    /// Dotted paths of every key in `yaml` that Gatehouse does not know, e.g.
    /// `session.idle_timout`. Free-form maps (`identity_headers.additional`,
    /// `access_rules[].attributes`) are not checked. Empty for unparsable YAML.
    public static func unknownFields(inYAML yaml: String) -> [String] {
        guard let root = try? Yams.compose(yaml: yaml)?.mapping else { return [] }
        return unknown(in: root, allowed: top, schemaPath: "", displayPath: "")
    }

    private static func unknown(in mapping: Node.Mapping, allowed: Set<String>, schemaPath: String, displayPath: String) -> [String] {
        var found: [String] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            let display = displayPath.isEmpty ? key : displayPath + "." + key
            guard allowed.contains(key) else {
                found.append(display)
                continue
            }
            let schema = schemaPath.isEmpty ? key : schemaPath + "." + key
            if let child = value.mapping, let keys = nested[schema] {
                found += unknown(in: child, allowed: keys, schemaPath: schema, displayPath: display)
            } else if let items = value.sequence, let keys = nested[schema + "[]"] {
                for (index, item) in items.enumerated() {
                    guard let child = item.mapping else { continue }
                    found += unknown(in: child, allowed: keys, schemaPath: schema, displayPath: display + ".\(index)")
                }
            }
        }
        return found
    }
}
