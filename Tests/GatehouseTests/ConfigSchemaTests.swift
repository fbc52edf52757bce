import Foundation
import Gatehouse
import Testing

@Suite struct ConfigSchemaTests {
    @Test func misspelledFieldsAreNamedWithTheirPath() {
        let yaml = """
            external_url: https://a.example
            extrnal_url: typo
            session: { idle_timout: 5m, store: memory }
            cookie: { secure: true, secrue: false }
            upstreams:
              - { url: http://a, prefx: /a }
            identity_headers:
              headers: [{ header: X-User, nameid: true }]
              additional: { X-Anything: any_attribute }
            access_rules:
              - { prefix: /admin, any_group: [x], attributes: { free_form: [v] } }
            """
        #expect(
            Set(ConfigSchema.unknownFields(inYAML: yaml)) == [
                "extrnal_url", "session.idle_timout", "cookie.secrue", "upstreams.0.prefx",
                "identity_headers.headers.0.nameid", "access_rules.0.any_group",
            ])
    }

    @Test(arguments: [
        ("session.idle_timout", "idle_timeout"), ("cookie.secrue", "secure"), ("extrnal_url", "external_url"),
        ("upstreams.0.prefx", "prefix"), ("identity_headers.headers.0.nameid", "name_id"),
        ("access_rules.3.any_group", "any_groups"), ("listen.adress", "address"),
    ])
    func closeTyposSuggestTheFieldAtTheSameLevel(_ path: String, _ known: String) {
        #expect(ConfigSchema.suggestion(forUnknownField: path) == known)
        #expect(ConfigSchema.problem(forUnknownField: path) == "unknown field \(path); did you mean \(known)?")
    }

    @Test(arguments: ["colour", "session.store_kind", "cookie.idle_timeout", "upstreams.0.x"])
    func unrelatedNamesGetNoSuggestion(_ path: String) {
        #expect(ConfigSchema.suggestion(forUnknownField: path) == nil)
        #expect(ConfigSchema.problem(forUnknownField: path).hasPrefix("unknown field \(path); Gatehouse does not read it"))
    }

    @Test func exampleFileUsesOnlyKnownFields() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/gatehouse.example.yaml").path
        #expect(ConfigSchema.unknownFields(inYAML: try String(contentsOfFile: path, encoding: .utf8)) == [])
    }
}
