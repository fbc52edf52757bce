public import Foundation
import Yams

/// Reads the YAML configuration and applies environment overrides.
///
/// Environment names: `GATEHOUSE_` followed by the YAML path in upper case, levels joined by a
/// double underscore and list positions as numbers, e.g. `GATEHOUSE_SESSION__IDLE_TIMEOUT=30m`,
/// `GATEHOUSE_LISTEN__PORT=9000`, `GATEHOUSE_UPSTREAMS__0__URL=http://app:3000`. A value that
/// starts with `[` or `{` is read as YAML, so `GATEHOUSE_PUBLIC_PATHS='[/healthz, /static]'`
/// replaces a whole list.
public enum ConfigLoader {
    /// The prefix of every overriding environment variable.
    public static let environmentPrefix = "GATEHOUSE_"

    /// Loads `path` and applies overrides from `environment`.
    public static func load(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> GatehouseConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError("Cannot read the configuration file \(path): \(error.localizedDescription).")
        }
        return try decode(yaml: text, environment: environment, source: path)
    }

    /// Decodes YAML `text`, applying overrides from `environment`; `source` names it in errors.
    public static func decode(
        yaml text: String,
        environment: [String: String] = [:],
        source: String = "configuration"
    ) throws(ConfigError) -> GatehouseConfig {
        var root: Node
        do {
            root = try Yams.compose(yaml: text) ?? Node.mapping([:])
        } catch {
            throw ConfigError("\(source) is not valid YAML: \(error).")
        }
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix(environmentPrefix) {
            let path = name.dropFirst(environmentPrefix.count).components(separatedBy: "__").map { $0.lowercased() }
            guard !path.contains(where: \.isEmpty) else { continue }
            root = setting(try overrideNode(value, name: name), at: path[...], in: root)
        }
        do {
            return try YAMLDecoder().decode(GatehouseConfig.self, from: root)
        } catch let error as DecodingError {
            throw ConfigError("\(source): \(describe(error))")
        } catch {
            throw ConfigError("\(source): \(error)")
        }
    }

    private static func overrideNode(_ value: String, name: String) throws(ConfigError) -> Node {
        guard value.hasPrefix("[") || value.hasPrefix("{") else { return Node(value) }
        do {
            return try Yams.compose(yaml: value) ?? Node(value)
        } catch {
            throw ConfigError("The environment variable \(name) is not a valid YAML list or mapping.")
        }
    }

    private static func setting(_ value: Node, at path: ArraySlice<String>, in node: Node?) -> Node {
        guard let key = path.first else { return value }
        let rest = path.dropFirst()
        if let index = Int(key), var sequence = node?.sequence {
            if index < sequence.count {
                sequence[index] = setting(value, at: rest, in: sequence[index])
            } else {
                sequence.append(setting(value, at: rest, in: nil))
            }
            return .sequence(sequence)
        }
        if Int(key) != nil, node == nil {
            return .sequence(Node.Sequence([setting(value, at: rest, in: nil)]))
        }
        var mapping = node?.mapping ?? Node.Mapping([])
        mapping[key] = setting(value, at: rest, in: mapping[key])
        return .mapping(mapping)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "the required field \(parent.isEmpty ? "" : parent + ".")\(key.stringValue) is missing."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)) has the wrong type: \(context.debugDescription)."
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)."
        @unknown default:
            return "\(error)"
        }
    }
}
