import SCIM
import Testing

@Suite struct PatchPathTests {
    @Test func parsesEveryShapeOfPath() throws {
        let plain = try SCIMPatchPath(parsing: "name.familyName")
        #expect(plain.attribute == SCIMAttributePath(name: "name", subAttribute: "familyName"))
        #expect(plain.filter == nil)

        let urn = try SCIMPatchPath(parsing: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value")
        #expect(urn.attribute.schema == SCIMSchemaURN.enterpriseUser)
        #expect(urn.attribute.name == "manager")
        #expect(urn.attribute.subAttribute == "value")

        let filtered = try SCIMPatchPath(parsing: #"emails[type eq "work" and primary eq true].value"#)
        #expect(filtered.attribute == SCIMAttributePath(name: "emails"))
        #expect(
            filtered.filter
                == .and([.compare(SCIMAttributePath(name: "type"), .eq, "work"), .compare(SCIMAttributePath(name: "primary"), .eq, true)]))
        #expect(filtered.filteredSubAttribute == "value")

        let bracketInString = try SCIMPatchPath(parsing: #"members[display eq "a]b"]"#)
        #expect(bracketInString.filter == .compare(SCIMAttributePath(name: "display"), .eq, "a]b"))
        #expect(bracketInString.filteredSubAttribute == nil)
    }

    static let invalid = [
        "", "name..x", "name.given.x", ".name", "name[", "name[]", #"emails[type eq "work"].value.more"#, #"emails[type eq "work"]value"#,
        #"emails.value[type eq "work"]"#, #"emails[type eq "work"][value pr]"#, "x:y", "1name", String(repeating: "a", count: 5000),
        String(repeating: "emails[", count: 40) + "x pr" + String(repeating: "]", count: 40),
    ]

    @Test(arguments: invalid)
    func invalidPathIsRefused(_ text: String) {
        let error = #expect(throws: SCIMError.self) { try SCIMPatchPath(parsing: text) }
        #expect(error?.code == .invalidPath)
    }
}
