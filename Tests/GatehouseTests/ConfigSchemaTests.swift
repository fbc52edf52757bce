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

    @Test func exampleFileUsesOnlyKnownFields() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/gatehouse.example.yaml").path
        #expect(ConfigSchema.unknownFields(inYAML: try String(contentsOfFile: path, encoding: .utf8)) == [])
    }
}
