import Foundation
import WanggeGeoJSON
import WanggeTestSupport

/// Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// JSON messages ending in NUL on fds 3 and 4 — no WebSocket needed), for the flows a URL alone
/// cannot show: typing a login into the page, then asking. A class: it owns the process and pipes.
final class BrowserSession {
    struct Failure: Error, CustomStringConvertible { var description: String }

    private let pid: pid_t
    private let toBrowser: Int32, fromBrowser: Int32
    private var nextID = 0
    private var buffer: [UInt8] = []
    private var sessionID = ""
    private let profile: String

    init() throws {
        guard let exe = which("chromium") else {
            throw ClientError(description: "chromium is not installed: install the Debian package chromium (tools/ensure-test-clients.sh, run by `make test`)")
        }
        profile = NSTemporaryDirectory() + "wangge-chromium-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var down: [Int32] = [0, 0], up: [Int32] = [0, 0]
        guard pipe(&down) == 0, pipe(&up) == 0 else { throw Failure(description: "pipe: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Chromium reads commands on fd 3 and writes answers on fd 4.
        posix_spawn_file_actions_adddup2(&actions, down[0], 3)
        posix_spawn_file_actions_adddup2(&actions, up[1], 4)
        let devnull = open("/dev/null", O_WRONLY)
        posix_spawn_file_actions_adddup2(&actions, devnull, 1)
        posix_spawn_file_actions_adddup2(&actions, devnull, 2)
        let args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--user-data-dir=\(profile)", "about:blank"]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, exe, &actions, nil, &argv, environ)
        close(down[0]); close(up[1]); close(devnull)
        guard spawned == 0 else { close(down[1]); close(up[0]); throw Failure(description: "posix_spawn chromium: \(spawned)") }
        pid = child
        toBrowser = down[1]
        fromBrowser = up[0]
    }

    deinit {
        _ = try? send("Browser.close", [:], session: false)
        close(toBrowser); close(fromBrowser)
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == 0 { kill(pid, SIGKILL); waitpid(pid, &status, 0) }
        try? FileManager.default.removeItem(atPath: profile)
    }

    /// Opens a page target and attaches to it (every later command goes to that page).
    func openPage() throws {
        let target = try send("Target.createTarget", ["url": .string("about:blank")], session: false)
        guard let id = target["targetId"]?.stringValue else { throw Failure(description: "no targetId: \(target)") }
        let attached = try send("Target.attachToTarget", ["targetId": .string(id), "flatten": .bool(true)], session: false)
        guard let s = attached["sessionId"]?.stringValue else { throw Failure(description: "no sessionId: \(attached)") }
        sessionID = s
    }

    func navigate(_ url: String) throws { _ = try send("Page.navigate", ["url": .string(url)]) }

    /// The page's window set to `width` × `height` CSS pixels at scale 1 (screenshots of known size).
    func setViewport(width: Int, height: Int) throws {
        _ = try send("Emulation.setDeviceMetricsOverride", ["width": .number(JSONNumber(width)), "height": .number(JSONNumber(height)),
                                                             "deviceScaleFactor": .number(JSONNumber(1)), "mobile": .bool(false)])
    }

    /// A PNG of what the page shows now.
    func screenshot() throws -> [UInt8] {
        let r = try send("Page.captureScreenshot", ["format": .string("png")])
        guard let text = r["data"]?.stringValue, let data = Data(base64Encoded: text) else { throw Failure(description: "no screenshot data") }
        return [UInt8](data)
    }

    /// The value of a JavaScript expression in the page.
    func evaluate(_ expression: String) throws -> JSONValue {
        let r = try send("Runtime.evaluate", ["expression": .string(expression), "returnByValue": .bool(true), "awaitPromise": .bool(true)])
        return r["result"]?.objectValue?["value"] ?? .null
    }

    /// Asks `expression` until it is true (at most `tries` times, 100 ms apart: a minute, for a
    /// loaded `make test`); false if never.
    func waitFor(_ expression: String, tries: Int = 600) throws -> Bool {
        for _ in 0..<tries {
            if try evaluate(expression) == .bool(true) { return true }
            usleep(100_000)
        }
        return false
    }

    /// One command; its result (events in between are skipped).
    private func send(_ method: String, _ params: JSONObject, session: Bool = true) throws -> JSONObject {
        nextID += 1
        var message: JSONObject = ["id": .number(JSONNumber(nextID)), "method": .string(method), "params": .object(params)]
        if session { message["sessionId"] = .string(sessionID) }
        let bytes = Array(JSONValue.object(message).jsonText.utf8) + [0]
        guard bytes.withUnsafeBytes({ write(toBrowser, $0.baseAddress, $0.count) }) == bytes.count else { throw Failure(description: "write to chromium failed") }
        while true {
            let reply = try readMessage()
            guard reply["id"] == .number(JSONNumber(nextID)) else { continue }
            if let error = reply["error"] { throw Failure(description: "\(method): \(error.jsonText)") }
            return reply["result"]?.objectValue ?? [:]
        }
    }

    private func readMessage() throws -> JSONObject {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = Array(buffer[..<end])
                buffer.removeSubrange(...end)
                guard let o = try JSONValue.parse(message).objectValue else { throw Failure(description: "not a JSON object from chromium") }
                return o
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(fromBrowser, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure(description: "chromium closed its pipe") }
            buffer += chunk[0..<n]
        }
    }
}
