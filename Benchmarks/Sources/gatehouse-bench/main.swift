import Foundation

// gatehouse-bench: the in-process parts of Benchmarks/run.sh. Each command prints one JSON line.
let usage = """
    usage: gatehouse-bench <command> [--option value …]
      generate         --alg rsa|ec --count N --out FILE [--format b64|form] [--instant ISO|now] [--unsolicited] [--acs URL --audience URL --issuer URL]
      validator        --responses FILE --kind rsa|ec|encrypted [--seconds S] [--now ISO] [--unsolicited]
      sessions-memory  --count N [--lookups K]
      sessions-sqlite  --db FILE --ids FILE [--lookups K]
      metadata         --file FILE --cert PEM [--no-verify] [--max-bytes N]
      metadata-url     --url URL --cert PEM --cache FILE   (fetched as a URL metadata source, then the registry built)
      nio-hello        [--port P]   (a bare SwiftNIO server; prints its port, runs until killed)
      nio-proxy        --upstream-port U [--port P]   (the least a SwiftNIO proxy does; runs until killed)
      cbc-timing       --padding FILE --signature FILE [--rounds N] [--validator-rounds N] [--fixtures DIR]
    """

let arguments = CommandLine.arguments
let options = Options(arguments.dropFirst(2))
do {
    switch arguments.count > 1 ? arguments[1] : "" {
    case "generate": try await GenerateCommand.run(options)
    case "validator": try await ValidatorBenchmark.run(options)
    case "sessions-memory": try await SessionBenchmark.memory(options)
    case "sessions-sqlite": try await SessionBenchmark.sqlite(options)
    case "metadata": try MetadataBenchmark.run(options)
    case "metadata-url": try await MetadataURLBenchmark.run(options)
    case "nio-hello": try await HelloServer.run(options)
    case "nio-proxy": try await ProxyFloor.run(options)
    case "cbc-timing": try await CBCTimingBenchmark.run(options)
    default:
        FileHandle.standardError.write(Data((usage + "\n").utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("gatehouse-bench: \(error)\n".utf8))
    exit(1)
}
