import SCIM
import Testing

@Suite struct MutabilityTests {
    /// A resource type with an immutable attribute, as a deployment's own schema might define.
    static let badge = SCIMResourceType(
        name: "Badge", endpoint: "/Badges", description: "Badge",
        schema: SCIMSchema(
            id: "urn:example:params:scim:schemas:Badge", name: "Badge", description: "Badge",
            attributes: [
                SCIMAttribute("serial", .string, required: true, caseExact: true, mutability: .immutable),
                SCIMAttribute("label", .string),
            ]))

    static let stored = Fixture.object(#"{"schemas":["urn:example:params:scim:schemas:Badge"],"id":"b1","serial":"S-1","label":"x"}"#)

    @Test func replaceKeepsAnImmutableValueAndRefusesAChange() throws {
        let same = try Self.badge.resourceForReplace(
            Fixture.json(#"{"schemas":["urn:example:params:scim:schemas:Badge"],"serial":"S-1","label":"y"}"#), replacing: Self.stored)
        #expect(same["label"] == "y")
        #expect(same["id"] == "b1")
        let error = #expect(throws: SCIMError.self) {
            try Self.badge.resourceForReplace(
                Fixture.json(#"{"schemas":["urn:example:params:scim:schemas:Badge"],"serial":"s-1"}"#), replacing: Self.stored)
        }
        #expect(error?.code == .mutability)
    }

    @Test func patchMayAddAnImmutableValueOnceButNeverChangeIt() throws {
        var unset = Self.stored
        unset["serial"] = nil
        let added = try Fixture.patch(unset, Self.badge, Fixture.patchOp(#"{"op":"add","path":"serial","value":"S-2"}"#))
        #expect(added["serial"] == "S-2")
        for operation in [
            #"{"op":"replace","path":"serial","value":"S-3"}"#, #"{"op":"add","path":"serial","value":"S-3"}"#,
            #"{"op":"remove","path":"serial"}"#,
        ] {
            let error = #expect(throws: SCIMError.self) { try Fixture.patch(Self.stored, Self.badge, Fixture.patchOp(operation)) }
            #expect(error?.code == .mutability, "\(operation)")
        }
        #expect(throws: Never.self) {
            try Fixture.patch(Self.stored, Self.badge, Fixture.patchOp(#"{"op":"replace","path":"serial","value":"S-1"}"#))
        }
    }
}
