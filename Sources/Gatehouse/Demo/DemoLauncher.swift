public import Foundation
import ServiceLifecycle

/// `gatehouse demo`: Gatehouse, the development IdP and a demo app, all on loopback.
public enum DemoLauncher {
    /// Where the demo keeps its state (generated IdP key, metadata, sessions).
    public static let stateDirectory = ".gatehouse-demo"

    /// Runs the demo with `configPath` (default `Config/demo.yaml`) until interrupted.
    public static func run(configPath: String, upstreamPort: Int = 8081) async throws {
        var config = try GatehouseLauncher.loadConfig(path: configPath)
        let state = URL(fileURLWithPath: stateDirectory)
        let idps = state.appendingPathComponent("idps")
        try FileManager.default.createDirectory(at: idps, withIntermediateDirectories: true)
        let idp = try DevelopmentIdP(
            directory: state, baseURL: config.externalURL, assertionConsumerServiceURL: config.endpointURL("acs"))
        // Registered like any IdP: the gateway validates the development IdP's responses in full.
        try Data(idp.metadataXML.utf8).write(to: idps.appendingPathComponent("development-idp.xml"), options: .atomic)
        config.idpMetadataDirectory = idps.path
        config.upstreams = upstreams(config.upstreams, appPort: upstreamPort)
        if config.session.store == .sqlite {
            config.session.path = state.appendingPathComponent("sessions.sqlite").path
        }
        // Written straight to the file descriptor: a pipe would buffer print() until exit.
        FileHandle.standardOutput.write(
            Data(
                """

                Gatehouse demo
                  open   \(config.externalURL)/
                  IdP    \(idp.singleSignOnURL) (development only: pick any user)
                  app    http://127.0.0.1:\(upstreamPort)/ (reachable only through Gatehouse in a real setup)
                Press Ctrl-C to stop.

                """.utf8))
        let upstream = Task { try await DemoUpstream.application(port: upstreamPort).run() }
        defer { upstream.cancel() }
        try await GatehouseLauncher.serve(config: config, developmentIdP: idp)
    }

    /// The demo app is the demo's one upstream: wherever `--app-port` puts it, every
    /// configured upstream is moved there (keeping its prefix and timeouts).
    public static func upstreams(_ configured: [UpstreamSettings], appPort: Int) -> [UpstreamSettings] {
        let app = "http://127.0.0.1:\(appPort)"
        guard !configured.isEmpty else { return [UpstreamSettings(url: app)] }
        return configured.map { upstream in
            var moved = upstream
            moved.url = app
            return moved
        }
    }
}
