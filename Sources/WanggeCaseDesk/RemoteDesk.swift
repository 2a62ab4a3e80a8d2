// `wangge case add --server URL`: the desk as a client of `wangge serve`, which keeps the
// gazetteer and the grids loaded. A one-shot command spends ~0.3 s loading them; sending the case
// to the server costs one request. The session token comes from `wangge login` (or --token).
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import WanggeCases
import WanggeGeoJSON
import WanggeIO

public struct RemoteDesk: Sendable {
    public let server: URL
    public let token: String
    /// How long to wait for the server before giving up.
    public var timeoutSeconds: Double = 10

    /// `server`: http(s)://host:port of `wangge serve`.
    public init(server: String, token: String) throws(CaseError) {
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw CaseError(.badArgument, "--server \(server): give the address of `wangge serve`, e.g. http://127.0.0.1:8080")
        }
        guard !token.isEmpty else { throw CaseError(.badArgument, "no session for \(server): run `wangge login --server \(server) --name NAME` first (or give --token)") }
        self.server = url
        self.token = token
    }

    /// What the server answered: its status and body.
    public struct Answer: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
        /// The API's `{"error": "…"}` message, else the body.
        public var message: String {
            (try? JSONValue.parse(body))?.objectValue?["error"]?.stringValue ?? text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// POST /api/v1/cases with `fields` (type, category, description, address, lon, lat, crs,
    /// pick, village, note). Returns the case's JSON object; a refusal throws with the server's words.
    public func add(_ fields: JSONObject) throws(CaseError) -> JSONObject {
        let answer = try send("POST", "/api/v1/cases", body: Array(JSONValue.object(fields).jsonText.utf8), bearer: token)
        switch answer.status {
        case 201:
            guard let o = (try? JSONValue.parse(answer.body))?.objectValue else {
                throw CaseError(.store, "\(server): the answer to a new case is not a JSON object: \(answer.text.prefix(200))")
            }
            return o
        case 401: throw CaseError(.forbidden, "\(server): the session is over (\(answer.message)); run `wangge login` again")
        case 403: throw CaseError(.forbidden, "\(server): \(answer.message)")
        case 422: throw CaseError(.location, answer.message)
        case 400, 404, 409, 413: throw CaseError(.badArgument, answer.message)
        default: throw CaseError(.store, "\(server) answered \(answer.status): \(answer.message)")
        }
    }

    /// POST /api/v1/login: the session token and its expiry.
    public static func login(server: String, name: String, password: String) throws(CaseError) -> (token: String, expiresAt: String) {
        let desk = try RemoteDesk(server: server, token: "login")
        let body = JSONValue.object(["name": .string(name), "password": .string(password)]).jsonText
        let answer = try desk.send("POST", "/api/v1/login", body: Array(body.utf8), bearer: nil)
        guard answer.status == 200, let o = (try? JSONValue.parse(answer.body))?.objectValue, let token = o["token"]?.stringValue else {
            throw CaseError(answer.status == 401 || answer.status == 429 ? .forbidden : .store, "\(server): login refused (\(answer.status)): \(answer.message)")
        }
        return (token, o["expires_at"]?.stringValue ?? "")
    }

    func send(_ method: String, _ path: String, body: [UInt8], bearer: String?) throws(CaseError) -> Answer {
        guard let url = URL(string: path, relativeTo: server) else { throw CaseError(.badArgument, "bad path \(path)") }
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.httpMethod = method
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        let box = AnswerBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.set(data: data, status: (response as? HTTPURLResponse)?.statusCode, error: error)
            done.signal()
        }.resume()
        done.wait()
        let (data, status, error) = box.get()
        guard let status else {
            throw CaseError(.store, "cannot reach \(server): \(error.map { "\($0.localizedDescription)" } ?? "no answer") — is `wangge serve` running there?")
        }
        return Answer(status: status, body: [UInt8](data ?? Data()))
    }
}

/// The session `wangge login` keeps: ~/.config/wangge/session.json (mode 0600), one per user.
public struct DeskSession: Sendable, Equatable {
    public var server: String
    public var name: String
    public var token: String
    public var expiresAt: String

    public init(server: String, name: String, token: String, expiresAt: String) {
        self.server = server; self.name = name; self.token = token; self.expiresAt = expiresAt
    }

    public static var defaultPath: String? {
        let env = ProcessInfo.processInfo.environment
        if let x = env["XDG_CONFIG_HOME"], !x.isEmpty { return FilePath.join(x, "wangge/session.json") }
        if let h = env["HOME"], !h.isEmpty { return FilePath.join(h, ".config/wangge/session.json") }
        return nil
    }

    /// The saved session, nil when there is none.
    public static func load(_ path: String) throws -> DeskSession? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let o = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path)))).objectValue
        guard let o, let server = o["server"]?.stringValue, let token = o["token"]?.stringValue else {
            throw CaseError(.badConfig, "\(path) is not a session file of `wangge login`; run `wangge login` again")
        }
        return DeskSession(server: server, name: o["name"]?.stringValue ?? "", token: token, expiresAt: o["expires_at"]?.stringValue ?? "")
    }

    /// Written atomically, readable by its owner only (it holds a password's worth of access).
    public func save(_ path: String) throws {
        try AtomicFileSet.makeDirectory((path as NSString).deletingLastPathComponent)
        let text = JSONValue.object(["server": .string(server), "name": .string(name), "token": .string(token), "expires_at": .string(expiresAt)]).jsonText + "\n"
        try AtomicFile.write(Array(text.utf8), to: path, permissions: 0o600)
    }
}

/// The completion handler's results, handed to the waiting thread.
private final class AnswerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?, status: Int?, error: (any Error)?
    func set(data: Data?, status: Int?, error: (any Error)?) { lock.withLock { self.data = data; self.status = status; self.error = error } }
    func get() -> (Data?, Int?, (any Error)?) { lock.withLock { (data, status, error) } }
}
