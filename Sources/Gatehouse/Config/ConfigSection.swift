/// A part of the configuration file that reads the fields its `CodingKeys` name.
///
/// ``ConfigSchema`` walks these types to find fields Gatehouse does not read, so the list of
/// field names is the decoder's own and cannot drift from it.
protocol ConfigSection: Decodable {
    /// The fields of this section, as the file spells them.
    associatedtype CodingKeys: CodingKey & CaseIterable & Hashable

    /// The fields that hold a nested section (one mapping, or a list of mappings). Fields
    /// absent here are plain values or free-form maps, whose keys are not checked.
    static var nestedSections: [CodingKeys: any ConfigSection.Type] { get }

    /// Every field name of this section.
    static var fieldNames: Set<String> { get }

    /// The section held by the field `name`, if it holds one.
    static func section(named name: String) -> (any ConfigSection.Type)?
}

extension ConfigSection {
    static var nestedSections: [CodingKeys: any ConfigSection.Type] { [:] }

    static var fieldNames: Set<String> { Set(CodingKeys.allCases.map(\.stringValue)) }

    static func section(named name: String) -> (any ConfigSection.Type)? {
        nestedSections.first { $0.key.stringValue == name }?.value
    }
}
