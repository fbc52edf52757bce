/// A JSON object whose member names compare case-insensitively, as SCIM attribute names do
/// (RFC 7643 §2.1). Members keep the order they were added in.
public struct SCIMObject: Sendable, Hashable {
    /// The members in order. Names are unique ignoring case.
    public private(set) var members: [(name: String, value: SCIMValue)]

    /// An empty object.
    public init() { members = [] }

    /// An object of `members`; a later member replaces an earlier one with the same name.
    public init(_ members: [(name: String, value: SCIMValue)]) {
        self.members = []
        for member in members { self[member.name] = member.value }
    }

    /// The member names in order.
    public var names: [String] { members.map(\.name) }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The value of the member named `name`, ignoring case; setting nil removes the member.
    /// Setting keeps the existing spelling of the name.
    public subscript(name: String) -> SCIMValue? {
        get { index(of: name).map { members[$0].value } }
        set {
            if let index = index(of: name) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((name: name, value: newValue))
            }
        }
    }

    /// The exact spelling of the member named `name` (ignoring case), if present.
    public func storedName(of name: String) -> String? {
        index(of: name).map { members[$0].name }
    }

    /// Renames the member named `name` (ignoring case) to the spelling `canonical`.
    public mutating func respell(_ name: String, as canonical: String) {
        if let index = index(of: name) { members[index].name = canonical }
    }

    private func index(of name: String) -> Int? {
        members.firstIndex { $0.name.scimEquals(name) }
    }

    public static func == (lhs: SCIMObject, rhs: SCIMObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        return lhs.members.allSatisfy { rhs[$0.name] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, so equal objects hash equally.
        var combined = 0
        for member in members {
            var inner = Hasher()
            inner.combine(member.name.lowercased())
            inner.combine(member.value)
            combined ^= inner.finalize()
        }
        hasher.combine(members.count)
        hasher.combine(combined)
    }
}

extension SCIMObject: ExpressibleByDictionaryLiteral {
    /// An object of the members written, in order.
    public init(dictionaryLiteral elements: (String, SCIMValue)...) {
        self.init(elements.map { (name: $0.0, value: $0.1) })
    }
}

extension String {
    /// Case-insensitive equality for attribute names, schema URNs and caseExact=false strings.
    func scimEquals(_ other: String) -> Bool {
        self == other || self.lowercased() == other.lowercased()
    }
}
