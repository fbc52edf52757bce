import Foundation
import Gatehouse
import Testing

@Suite struct GatehouseLauncherConfigTests {
    static let misspelled = TestPaths.fixture("config/misspelled-fields.yaml")
    static let unknownFieldErrors = [
        "\(misspelled): unknown field session.idle_timout; did you mean idle_timeout?",
        "\(misspelled): unknown field cookie.secrue; did you mean secure?",
        "\(misspelled): unknown field colour; Gatehouse does not read it, so remove it or fix its name "
            + "(Config/gatehouse.example.yaml lists every field).",
    ]

    @Test func checkConfigReportsEachUnknownFieldAsAnError() {
        let (errors, _) = GatehouseLauncher.check(configAt: Self.misspelled, environment: [:])
        #expect(Array(errors.prefix(3)) == Self.unknownFieldErrors)
    }

    @Test func serveRefusesToLoadAConfigurationWithUnknownFields() {
        let failure = #expect(throws: GatehouseLauncher.Failure.self) {
            try GatehouseLauncher.loadConfig(path: Self.misspelled)
        }
        #expect(failure?.problems == Self.unknownFieldErrors)
    }

    @Test func unknownFieldsAreReportedEvenWhenTheFileDoesNotDecode() throws {
        let path = try TestPaths.scratchDirectory() + "/broken.yaml"
        try "extrnal_url: https://a.example\nupstreams: [{ url: http://a }]\n".write(toFile: path, atomically: true, encoding: .utf8)
        let (errors, _) = GatehouseLauncher.check(configAt: path, environment: [:])
        #expect(errors.first == "\(path): unknown field extrnal_url; did you mean external_url?")
        #expect(errors.count == 2)
        #expect(errors.last?.contains("external_url is missing") == true)
    }

    @Test(arguments: ["demo.yaml", "gatehouse.example.yaml"])
    func committedConfigurationsUseOnlyKnownFields(_ name: String) throws {
        let path = TestPaths.fixtures + "/../Config/" + name
        #expect(ConfigSchema.unknownFields(inYAML: try String(contentsOfFile: path, encoding: .utf8)) == [])
    }
}
