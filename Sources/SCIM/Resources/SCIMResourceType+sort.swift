import Foundation

extension SCIMResourceType {
    /// `resources` ordered by the attribute `path` (RFC 7644 §3.4.2.3): strings by the schema's
    /// caseExact, dateTimes as instants, numbers numerically. A multi-valued attribute sorts by
    /// its primary value, else its first. Resources without a value come last in either order.
    /// The sort is stable.
    ///
    /// - Throws: `invalidPath` when `path` is not an attribute path of this type.
    public func sorted(_ resources: [SCIMObject], by path: String, order: SCIMSearchRequest.SortOrder) throws(SCIMError)
        -> [SCIMObject]
    {
        let attributePath = try SCIMAttributePath.parse(path)
        let resolved = try resolve(attributePath)
        let leaf = resolved.leaf.flatMap { $0.type == .complex ? $0.subAttribute(named: "value") : $0 }
        let keyed = resources.enumerated().map { (offset, resource) in
            (offset: offset, resource: resource, key: sortKey(resource, resolved: resolved, leaf: leaf))
        }
        let ordered = keyed.sorted { lhs, rhs in
            switch (lhs.key, rhs.key) {
            case (nil, nil): return lhs.offset < rhs.offset
            case (nil, _): return false
            case (_, nil): return true
            case (let left?, let right?):
                if left == right { return lhs.offset < rhs.offset }
                return order == .ascending ? left < right : left > right
            }
        }
        return ordered.map(\.resource)
    }

    private enum SortKey: Comparable {
        case number(Double)
        case instant(Date)
        case text(String)
        case flag(Bool)

        static func < (lhs: SortKey, rhs: SortKey) -> Bool {
            switch (lhs, rhs) {
            case (.number(let left), .number(let right)): left < right
            case (.instant(let left), .instant(let right)): left < right
            case (.text(let left), .text(let right)): left < right
            case (.flag(let left), .flag(let right)): !left && right
            default: lhs.rank < rhs.rank
            }
        }

        private var rank: Int {
            switch self {
            case .flag: 0
            case .number: 1
            case .instant: 2
            case .text: 3
            }
        }
    }

    private func sortKey(_ resource: SCIMObject, resolved: SCIMResolvedPath, leaf: SCIMAttribute?) -> SortKey? {
        guard var value = resolved.value(in: resource) else { return nil }
        if let elements = value.arrayValue {
            guard let chosen = elements.first(where: { $0.objectValue?["primary"]?.boolValue == true }) ?? elements.first else {
                return nil
            }
            value = chosen
        }
        if let object = value.objectValue {
            guard let inner = object[resolved.subName ?? "value"] else { return nil }
            value = inner
        }
        switch value {
        case .string(let text):
            if leaf?.type == .dateTime, let date = SCIMDateTime.parse(text) { return .instant(date) }
            return .text(leaf?.caseExact == true ? text : text.lowercased())
        case .integer, .decimal: return value.doubleValue.map(SortKey.number)
        case .bool(let flag): return .flag(flag)
        default: return nil
        }
    }
}
