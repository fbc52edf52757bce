import Foundation
import Gatehouse
import Logging
import Testing

@Suite struct ConfigLoaderTests {
    let minimal = """
        external_url: https://app.example.com
        upstreams:
          - url: http://127.0.0.1:3000
        """

    @Test func minimalFileTakesSafeDefaults() throws {
        let config = try ConfigLoader.decode(yaml: minimal)
        #expect(config.routePrefix == "/saml")
        #expect(config.cookie.secure)
        #expect(config.cookie.name == "gatehouse_session")
        #expect(config.session.store == .sqlite)
        #expect(config.session.idleTimeout == .hours(1))
        #expect(config.clockSkew.seconds == 90)
        #expect(config.unsolicitedResponses == .reject)
        #expect(config.identityHeaders.rules == HeaderSettings.defaultRules)
        #expect(config.entityID == "https://app.example.com/saml/metadata")
        #expect(config.endpointURL("acs") == "https://app.example.com/saml/acs")
        #expect(config.upstreams[0].prefix == "/")
        #expect(config.log.format == .text)
    }

    @Test func everyFieldIsRead() throws {
        let yaml = """
            listen: { address: 0.0.0.0, port: 9000 }
            external_url: https://sso.example.com/
            route_prefix: /auth
            service_provider: { entity_id: urn:sp, key: /k.pem, certificate: /c.pem }
            idp_metadata_dir: /etc/idps
            upstreams:
              - { url: http://a:1, prefix: /a, connect_timeout: 2s, read_timeout: 5m, strip_prefix: true }
              - { url: http://b:2 }
            session: { store: memory, path: /tmp/s.db, idle_timeout: 30m, absolute_timeout: 8h, pending_login_timeout: 300 }
            cookie: { name: gh, secure: false, domain: example.com }
            identity_headers:
              max_value_bytes: 1024
              headers:
                - { header: X-User, name_id: true }
                - { header: X-Teams, attributes: [teams], all_values: true }
              additional: { X-Dept: department }
              group_attributes: [teams]
            access_rules:
              - { prefix: /admin, any_groups: [admins], attributes: { dept: [it] } }
            public_paths: [/healthz, /static]
            clock_skew: 2m
            unsolicited_responses: allow
            trusted_proxies: [10.0.0.0/8, "::1"]
            log: { format: json, level: debug }
            """
        let config = try ConfigLoader.decode(yaml: yaml)
        #expect(config.listen == ListenSettings(address: "0.0.0.0", port: 9000))
        #expect(config.routePrefix == "/auth")
        #expect(config.endpointURL("acs") == "https://sso.example.com/auth/acs")
        #expect(config.entityID == "urn:sp")
        #expect(config.serviceProvider.keyPath == "/k.pem")
        #expect(config.serviceProvider.certificatePath == "/c.pem")
        #expect(config.idpMetadataDirectory == "/etc/idps")
        #expect(config.upstreams.count == 2)
        #expect(config.upstreams[0].readTimeout.seconds == 300)
        #expect(config.upstreams[0].connectTimeout.seconds == 2)
        #expect(config.upstreams[0].stripPrefix)
        #expect(config.session.store == .memory)
        #expect(config.session.absoluteTimeout == .hours(8))
        #expect(config.session.pendingLoginTimeout.seconds == 300)
        #expect(config.cookie == CookieSettings(name: "gh", secure: false, domain: "example.com"))
        #expect(config.identityHeaders.allRules.map(\.header) == ["X-User", "X-Teams", "X-Dept"])
        #expect(config.identityHeaders.maxValueBytes == 1024)
        #expect(config.identityHeaders.groupAttributes == ["teams"])
        #expect(config.accessRules == [AccessRule(prefix: "/admin", anyGroups: ["admins"], attributes: ["dept": ["it"]])])
        #expect(config.publicPaths == ["/healthz", "/static"])
        #expect(config.clockSkew.seconds == 120)
        #expect(config.unsolicitedResponses == .allow)
        #expect(config.trustedProxies == ["10.0.0.0/8", "::1"])
        #expect(config.log == LogSettings(format: .json, level: .debug))
    }

    @Test func environmentOverridesNestedScalarFields() throws {
        let config = try ConfigLoader.decode(
            yaml: minimal,
            environment: [
                "GATEHOUSE_SESSION__IDLE_TIMEOUT": "30m",
                "GATEHOUSE_LISTEN__PORT": "9100",
                "GATEHOUSE_COOKIE__SECURE": "false",
                "GATEHOUSE_EXTERNAL_URL": "https://other.example.com",
                "GATEHOUSE_UPSTREAMS__0__URL": "http://app:8000",
                "GATEHOUSE_UPSTREAMS__1__URL": "http://api:8000",
                "GATEHOUSE_UPSTREAMS__1__PREFIX": "/api",
                "UNRELATED": "x",
            ]
        )
        #expect(config.session.idleTimeout == .minutes(30))
        #expect(config.listen.port == 9100)
        #expect(config.cookie.secure == false)
        #expect(config.externalURL == "https://other.example.com")
        #expect(config.upstreams.map(\.url) == ["http://app:8000", "http://api:8000"])
        #expect(config.upstreams[1].prefix == "/api")
    }

    @Test func environmentReplacesWholeListsWrittenAsYAML() throws {
        let config = try ConfigLoader.decode(
            yaml: minimal,
            environment: ["GATEHOUSE_PUBLIC_PATHS": "[/healthz, /static]", "GATEHOUSE_TRUSTED_PROXIES": "[10.1.0.0/16]"]
        )
        #expect(config.publicPaths == ["/healthz", "/static"])
        #expect(config.trustedProxies == ["10.1.0.0/16"])
    }

    @Test func missingRequiredFieldIsNamed() {
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.decode(yaml: "external_url: https://a.example.com\n", source: "g.yaml")
        }
        #expect(error?.message.contains("upstreams") == true)
        #expect(error?.message.hasPrefix("g.yaml") == true)
    }

    @Test func badDurationSaysHowToWriteOne() {
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader.decode(yaml: minimal + "\nsession: { idle_timeout: soon }\n")
        }
        #expect(error?.message.contains("session.idle_timeout") == true)
        #expect(error?.message.contains("30m") == true)
    }

    @Test func invalidYAMLIsReported() {
        #expect(throws: ConfigError.self) { try ConfigLoader.decode(yaml: "external_url: [unclosed") }
    }

    @Test func missingFileIsReported() {
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(path: "/nonexistent/g.yaml") }
        #expect(error?.message.contains("/nonexistent/g.yaml") == true)
    }

    @Test(arguments: [("90", 90), ("90s", 90), ("30m", 1800), ("8h", 28_800), ("1d", 86_400)])
    func durationsParse(_ text: String, _ seconds: Int) {
        #expect(ConfigDuration(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "-5", "5x", "m", "1.5h"])
    func malformedDurationsAreRefused(_ text: String) {
        #expect(ConfigDuration(parsing: text) == nil)
    }

    @Test func exampleConfigFileDecodes() throws {
        let path = TestPaths.repository + "/Config/gatehouse.example.yaml"
        let config = try ConfigLoader.load(path: path, environment: [:])
        #expect(!config.upstreams.isEmpty)
    }

    @Test func omittedFieldsTakeTheDefaultsTheirPropertiesDeclare() throws {
        let config = try ConfigLoader.decode(
            yaml: """
                external_url: https://a.example
                upstreams: [{ url: http://a }]
                listen: {}
                service_provider: {}
                session: {}
                cookie: {}
                identity_headers: {}
                paths: {}
                log: {}
                """)
        #expect(config == GatehouseConfig(externalURL: "https://a.example", upstreams: [UpstreamSettings(url: "http://a")]))
        let partial = try ConfigLoader.decode(
            yaml: """
                external_url: https://a.example
                upstreams: [{ url: http://a, prefix: /api }]
                listen: { port: 9000 }
                identity_headers: { headers: [{ header: X-User }] }
                access_rules: [{ prefix: /admin }]
                """)
        #expect(partial.listen.address == ListenSettings().address)
        #expect(partial.listen.idleTimeout == ListenSettings().idleTimeout)
        #expect(partial.upstreams == [UpstreamSettings(url: "http://a", prefix: "/api")])
        #expect(partial.identityHeaders.rules == [HeaderRule(header: "X-User")])
        #expect(partial.identityHeaders.maxValueBytes == HeaderSettings().maxValueBytes)
        #expect(partial.accessRules == [AccessRule(prefix: "/admin")])
    }

    @Test func logLevelIsALoggerLevelAndAnUnknownOneListsTheValidOnes() throws {
        let base = "external_url: https://a.example\nupstreams: [{ url: http://a }]\n"
        #expect(try ConfigLoader.decode(yaml: base + "log: { level: warning }").log.level == .warning)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.decode(yaml: base + "log: { level: loud }") }
        #expect(
            error?.message
                == "configuration: log.level: 'loud' is not a log level; use one of trace, debug, info, notice, warning, error or critical."
        )
    }
}
