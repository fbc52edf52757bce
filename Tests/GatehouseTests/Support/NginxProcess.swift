import Foundation
import NIOCore
import NIOPosix

/// Debian's nginx, run by a test as a child process on loopback with a throwaway prefix folder.
///
/// `daemon off` and `master_process off` keep it a single child that dies with `stop()`.
final class NginxProcess {
    /// Why nginx could not be used. Never a silent skip: CI installs nginx.
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// Where Debian's `nginx` package puts the binary.
    static let candidates = ["/usr/sbin/nginx", "/usr/bin/nginx"]

    let port: Int
    let directory: String
    private let process: Process

    private init(port: Int, directory: String, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// The nginx binary, or an error that says how to install it.
    static func binary() throws -> String {
        guard let path = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw Unavailable(
                description:
                    "nginx is not installed (looked for \(candidates.joined(separator: ", "))). "
                    + "Install it with `scripts/install-deps.sh test` (Debian package nginx); CI does.")
        }
        return path
    }

    /// A loopback port that was free a moment ago.
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    /// Starts nginx on `port` with the server blocks `http` writes for its folder, and waits
    /// until it accepts connections.
    static func start(port: Int, http: (_ directory: String) -> String) async throws -> NginxProcess {
        let binary = try binary()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gatehouse-nginx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = """
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log info;
            events { worker_connections 64; }
            http {
                access_log \(directory)/access.log;
                client_body_temp_path \(directory)/client_body;
                proxy_temp_path \(directory)/proxy;
                fastcgi_temp_path \(directory)/fastcgi;
                uwsgi_temp_path \(directory)/uwsgi;
                scgi_temp_path \(directory)/scgi;
            \(http(directory))
            }

            """
        try config.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        // -e: startup errors go to our folder, not /var/log/nginx (which a test may not write).
        process.arguments = ["-p", directory + "/", "-c", directory + "/nginx.conf", "-e", directory + "/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let nginx = NginxProcess(port: port, directory: directory, process: process)
        do {
            try await nginx.waitUntilReady()
        } catch {
            nginx.stop()
            throw error
        }
        return nginx
    }

    /// The error log, for failure messages.
    var errorLog: String { (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? "" }

    /// Stops nginx and waits for it to exit. Safe to call twice.
    ///
    /// SIGKILL, because a child started from a Swift concurrency thread inherits that
    /// thread's blocked signals, and single-process nginx never unblocks SIGTERM.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func waitUntilReady() async throws {
        for _ in 0..<100 {
            guard process.isRunning else {
                throw Unavailable(description: "nginx exited at startup (status \(process.terminationStatus)):\n\(errorLog)")
            }
            if (try? await probe()) == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Unavailable(description: "nginx did not answer on 127.0.0.1:\(port) within 5 s:\n\(errorLog)")
    }

    private func probe() async throws -> Bool {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.close()
        return true
    }
}
