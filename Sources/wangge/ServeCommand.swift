import ArgumentParser
import Foundation
import Logging
import WanggeKit
import WanggeServer

/// `wangge serve`: the intake and plan API over HTTP. All logic is in WanggeServer (`API`,
/// `ServerState`); this parses options and starts it.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API (geocode, assign, grids, report) over HTTP.",
        discussion: """
            The data directory holds the plan (grids.geojson, blocks.geojson) and the gazetteer; on \
            the first start it is made from --boundaries (the bundled plan partitioned, the gazetteer \
            built). The API is described at /api/v1/openapi.yaml (docs/API.md). One log line a request \
            (method, path, status, ms) on standard error; SIGTERM or Ctrl-C stops it gracefully.
            """)

    @Option(help: "Directory with the plan and gazetteer (made on the first start).") var data = "data"
    @Option(help: "Directory with the district's layers.") var boundaries = "boundaries"
    @Option(help: "Address to listen on (127.0.0.1: this machine only).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, printed at start).") var port = 8080
    @Flag(name: .customLong("secure-cookie"), help: "Mark the session cookie Secure (when served behind TLS).") var secureCookie = false
    @Flag(name: .customLong("trust-proxy"), help: "Take the client's address from X-Forwarded-For (only behind your own proxy).") var trustProxy = false
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel: Logger.Level = .info
    @Option(name: .customLong("escalate-every"), help: "Seconds between automatic escalations of cases past their level's deadline (0: off; `wangge case tick` does the same from cron).") var escalateEvery = 60

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0…65535") }
        if escalateEvery < 0 { throw ValidationError("--escalate-every must be 0 (off) or a number of seconds") }
    }

    func run() async throws {
        var logger = Logger(label: "wangge")
        logger.logLevel = logLevel
        let started = Date()
        let state = try ServerState(data: data, boundaries: boundaries) { logger.notice("\($0)") }
        logger.notice("loaded", metadata: ["district": "\(state.district.name)", "grids": "\(state.grids.count)",
                                           "data": "\(data)", "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))"])
        if try state.accounts.count() == 0 {
            logger.warning("no accounts yet: only /health, the pages and login answer; add one with `wangge user add NAME --role district --data \(data)`")
        }
        var api = API(state: state)
        api.policy.secureCookie = secureCookie
        api.policy.trustForwardedFor = trustProxy
        let host = self.host
        let timerAPI = api, every = escalateEvery, timerLogger = logger
        let timer = Task { await EscalationTimer.run(timerAPI, every: every, logger: timerLogger) }
        defer { timer.cancel() }
        try await WanggeServer.run(api: api, host: host, port: port, logger: logger) { bound in
            // Unbuffered, so a script or test waiting for this line sees it at once.
            FileHandle.standardOutput.write(Data("wangge serve: listening on http://\(host):\(bound)/ (API: /api/v1/openapi.yaml)\n".utf8))
        }
    }
}

/// `--log-level` takes swift-log's level names; anything else is refused by the parser, listing them.
extension Logger.Level: @retroactive ExpressibleByArgument {}
