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
        ("listen.max_conections", "max_connections"), ("paths.rule_cse", "rule_case"), ("upstreams.1.ca_fil", "ca_file"),
        ("idps.0.display_nme", "display_name"), ("service_provider.certifcate", "certificate"), ("log.levle", "level"),
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
        let path = TestPaths.repository + "/Config/gatehouse.example.yaml"
        #expect(ConfigSchema.unknownFields(inYAML: try String(contentsOfFile: path, encoding: .utf8)) == [])
    }

    @Test func everyFieldTheDecoderReadsIsKnownAndNothingElse() {
        let yaml = """
            listen: { address: 0.0.0.0, port: 1, header_read_timeout: 1, idle_timeout: 1, max_connections: 1 }
            paths: { semicolons: reject, encoded_slashes: reject, encoded_percent: reject, rule_case: sensitive }
            external_url: https://a.example
            route_prefix: /sso
            service_provider: { entity_id: x, key: k, certificate: c }
            idp_metadata_dir: idps
            idps: [{ entity_id: x, display_name: X, email_domains: [a.example], colour: red }]
            upstreams: [{ url: http://a, prefix: /, connect_timeout: 1, read_timeout: 1, strip_prefix: false, ca_file: ca }]
            session: { store: memory, path: p, idle_timeout: 1, absolute_timeout: 1, pending_login_timeout: 1 }
            cookie: { name: n, secure: true, domain: d }
            identity_headers:
              headers: [{ header: X-A, name_id: true, attributes: [a], all_values: true }]
              additional: { X-B: b }
              max_value_bytes: 64
              group_attributes: [g]
            access_rules: [{ prefix: /a, any_groups: [g], attributes: { a: [v] } }]
            public_paths: [/p]
            clock_skew: 1
            unsolicited_responses: reject
            trusted_proxies: [10.0.0.0/8]
            log: { format: json, level: info, colour: red }
            """
        #expect(ConfigSchema.unknownFields(inYAML: yaml) == ["idps.0.colour", "log.colour"])
    }
}
