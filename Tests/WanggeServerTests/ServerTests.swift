import Foundation
import Logging
import Testing
import WanggeTestSupport
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry
import WanggeAccounts
import WanggePlans
@testable import WanggeServer

enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let boundaries = root.appendingPathComponent("boundaries").path

    static func scratch(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "wangge-server-tests-\(getpid())/\(name)"
        try? FileManager.default.removeItem(atPath: dir)
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A data directory whose plan is one grid per village (each the village's own polygon), so
    /// the tests need no partition; grid 001 of 费林湾村 names its worker.
    static let data: String = {
        let dir = scratch("data")
        let villages = try! GeoJSONReader().readFeatureCollection(contentsOf: boundaries + "/villages.geojson")
        let grids = villages.features.map { v -> Feature in
            let code = v.string("code")! + "001"
            var props: JSONObject = ["code": .string(code), "name": .string(v.string("name")! + "第1网格"), "village_code": .string(v.string("code")!),
                                     "village": .string(v.string("name")!), "township_code": .string(v.string("township_code")!),
                                     "township": .string(v.string("township")!), "households": .number(JSONNumber(1.0))]
            if code == "511111106214001" { props["worker"] = .string("王建国"); props["worker_phone"] = .string("13800000001") }
            return Feature(id: .string(code), properties: props, geometry: v.geometry)
        }
        try! GeoJSONWriter().write(FeatureCollection(features: grids), toFile: dir + "/grids.geojson")
        return dir
    }()

    static let state = try! ServerState(data: data, boundaries: boundaries)
    static let api = API(state: state)

    /// Test accounts: name → (role, unit). The "own" units are 福禄镇 (511111106), its village
    /// 费林湾村 (511111106214) and that village's grid; "other" ones are in 踏水镇 (511111102).
    static let people: [(String, AccountRole, String?)] = [
        ("qu", .district, nil),
        ("fulu", .township, "511111106"), ("tashui", .township, "511111102"),
        ("feilinwan", .village, "511111106214"), ("gongping", .village, "511111102207"),
        ("wang", .grid, "511111106214001"), ("li", .grid, "511111102207001"),
        ("shuiwu", .department, "水务局"), ("jiaotong", .department, "交通局"),
    ]
    static let password = "correct horse battery"

    /// Each test account's bearer token (accounts made once, in the shared data directory).
    static let tokens: [String: String] = {
        var desk = UserDesk(store: state.accounts, units: state.units, operatorName: "cli:test")
        desk.rounds = PasswordHash.minimumRounds  // the floor, to keep the tests quick; the default is 600,000
        var out: [String: String] = [:]
        for (name, role, unit) in people {
            if (try? state.accounts.account(name)) == nil {
                do { try desk.add(name: name, displayName: name, role: role, unit: unit, password: password) } catch { fatalError("\(name): \(error)") }
            }
            let r = api.handle(APIRequest(method: "POST", path: "/api/v1/login", body: Array("{\"name\":\"\(name)\",\"password\":\"\(password)\"}".utf8)))
            guard let token = (try? JSONValue.parse(r.body))?.objectValue?["token"]?.stringValue else { fatalError("login \(name): \(r.text)") }
            out[name] = token
        }
        return out
    }()

    static func bearer(_ name: String) -> [String: String] { ["Authorization": "Bearer \(tokens[name] ?? "")"] }

    /// A GET as `name` (default: the district account).
    static func get(_ path: String, _ query: [String: String] = [:], as name: String = "qu") -> APIResponse {
        api.handle(APIRequest(method: "GET", path: path, query: query, headers: bearer(name)))
    }

    /// A POST as `name` (default: the district account).
    static func post(_ path: String, _ body: String, as name: String = "qu") -> APIResponse {
        api.handle(APIRequest(method: "POST", path: path, body: Array(body.utf8), headers: bearer(name)))
    }

    static func object(_ r: APIResponse) throws -> JSONObject {
        try #require(try JSONValue.parse(r.body).objectValue)
    }
}

@Suite struct APITests {
    @Test func healthNamesTheDistrictAndItsGrids() throws {
        let r = Fixture.get("/health")
        #expect(r.status == 200 && r.contentType.hasPrefix("application/json"))
        let o = try Fixture.object(r)
        #expect(o["district"] == .string("沙湾区") && o["grids"] == .number(JSONNumber(148)))
    }

    @Test func geocodeAnswersWithTheGridAndItsWorker() throws {
        let o = try Fixture.object(Fixture.get("/api/v1/geocode", ["q": "福禄镇费林湾村1组27号"]))
        #expect(o["status"] == .string("matched") && o["village_code"] == .string("511111106214"))
        #expect(o["grid"] == .string("511111106214001"))
        #expect(o["grid_worker"]?.objectValue?["name"] == .string("王建国"))
        let missing = Fixture.get("/api/v1/geocode")
        #expect(missing.status == 400 && missing.text.contains("?q="))
    }

    @Test func batchGeocodeKeepsTheOrderAndRefusesBadBodies() throws {
        let body = Array(#"{"addresses":["北京市朝阳区","福禄镇费林湾村1组27号"]}"#.utf8)
        let r = Fixture.api.handle(APIRequest(method: "POST", path: "/api/v1/geocode", body: body, headers: Fixture.bearer("qu")))
        #expect(r.status == 200)
        let results = try #require(try Fixture.object(r)["results"]?.arrayValue)
        #expect(results.map { $0.objectValue?["status"] } == [.string("outside"), .string("matched")])
        for (bad, status) in [("not json", 400), (#"{"address":["x"]}"#, 400), (#"{"addresses":[1]}"#, 400)] {
            let a = Fixture.post("/api/v1/geocode", bad)
            #expect(a.status == status && a.text.contains("\"error\""), "\(bad): \(a.text)")
        }
        var small = Fixture.api
        small.maxBatch = 1
        #expect(small.handle(APIRequest(method: "POST", path: "/api/v1/geocode", body: body, headers: Fixture.bearer("qu"))).status == 413)
    }

    /// The grid of a point by the one rule; a phone's GCJ-02 coordinates give the same grid as the
    /// WGS-84 point they came from.
    @Test func assignTakesAnyCRSTheCLITakes() throws {
        let ctx = GEOSContext()
        let village = try #require(Fixture.state.district.villages.first { $0.code == "511111106214" })
        let p = try #require(try ctx.geometry(from: village.geometry).pointOnSurface().pointCoordinate())
        let wgs = try Fixture.object(Fixture.get("/api/v1/assign", ["lon": "\(p.x)", "lat": "\(p.y)"]))
        #expect(wgs["grid_code"] == .string("511111106214001") && wgs["status"] == .string("inside"))
        #expect(wgs["grid_worker"]?.objectValue?["phone"] == .string("13800000001"))
        let g = try CoordinateTransform(from: .wgs84, to: .gcj02).transform(p)
        #expect(abs(g.x - p.x) > 1e-4)  // really shifted
        let gcj = try Fixture.object(Fixture.get("/api/v1/assign", ["lon": "\(g.x)", "lat": "\(g.y)", "crs": "gcj02"]))
        #expect(gcj["grid_code"] == .string("511111106214001"))
        let outside = try Fixture.object(Fixture.get("/api/v1/assign", ["lon": "103.0", "lat": "29.0"]))
        #expect(outside["status"] == .string("outside") && outside["nearest_grid"] != nil)
        #expect((outside["distance_m"]?.doubleValue ?? 0) > 1000)
        for (q, needle) in [(["lon": "x", "lat": "1"], "not a number"), (["lon": "1"], "?lon="), (["lon": "103", "lat": "200"], "degrees"),
                            (["lon": "103", "lat": "29", "crs": "nonsense"], "crs")] {
            let r = Fixture.get("/api/v1/assign", q)
            #expect(r.status == 400 && r.text.contains(needle), "\(q): \(r.text)")
        }
    }

    @Test func gridsCarryRecomputedFigures() throws {
        let all = try GeoJSONReader().readFeatureCollection(Data(Fixture.get("/api/v1/grids").body))
        #expect(all.features.count == 148)
        // The file says 1 household a grid; the API recomputes from the addresses.
        #expect(all.features.reduce(0) { $0 + ($1.int("households") ?? 0) } > 60_000)
        let one = Fixture.get("/api/v1/grids/511111106214001")
        #expect(one.status == 200 && one.contentType.hasPrefix("application/geo+json"))
        #expect(Fixture.get("/api/v1/grids/511111106214999").status == 404)
        let village = try GeoJSONReader().readFeatureCollection(Data(Fixture.get("/api/v1/villages/511111106214/grids").body))
        #expect(village.features.map { $0.string("code") } == ["511111106214001"])
        #expect(Fixture.get("/api/v1/villages/511111999999/grids").status == 404)
        #expect(Fixture.api.handle(APIRequest(method: "DELETE", path: "/api/v1/grids", headers: Fixture.bearer("qu"))).status == 405)
        #expect(Fixture.get("/api/v2/grids").status == 404)
    }

    /// Every path the OpenAPI document names answers (its {parameters} filled in), and every
    /// endpoint answered is in the document.
    @Test func theOpenAPIDocumentDescribesTheRoutes() throws {
        let text = OpenAPIDocument.text
        let paths = text.split(separator: "\n").filter { $0.hasPrefix("  /") && $0.hasSuffix(":") }.map { String($0.dropFirst(2).dropLast()) }
        #expect(Set(paths) == ["/health", "/api/v1/health", "/api/v1/openapi.yaml", "/api/v1/geocode", "/api/v1/assign", "/api/v1/grids",
                               "/api/v1/grids/{code}", "/api/v1/villages/{code}/grids", "/api/v1/report",
                               "/api/v1/cases", "/api/v1/cases/report", "/api/v1/cases/{id}", "/api/v1/cases/{id}/{action}",
                               "/api/v1/login", "/api/v1/logout", "/api/v1/me", "/api/v1/audit",
                               "/api/v1/plan", "/api/v1/plan/versions", "/api/v1/plan/villages/{code}", "/api/v1/plan/edits", "/api/v1/plan/diff"])
        let created = Fixture.post("/api/v1/cases", #"{"type":"problem","address":"费林湾村"}"#)
        let id = try #require(try JSONValue.parse(created.body).objectValue?["id"]?.stringValue)
        for p in paths {
            // A path's block in the document: from its line to the next path.
            let block = text.components(separatedBy: "\n  " + p + ":\n")[1].components(separatedBy: "\n  /")[0]
            let filled = p.replacingOccurrences(of: "/grids/{code}", with: "/grids/511111106214001")
                .replacingOccurrences(of: "{code}", with: "511111106214").replacingOccurrences(of: "{id}", with: id)
                .replacingOccurrences(of: "{action}", with: "accept")
            if block.contains("    get:") {
                let query = p.hasSuffix("geocode") ? ["q": "费林湾村"] : p.hasSuffix("assign") ? ["lon": "103.6", "lat": "29.4"]
                    : p.hasSuffix("diff") ? ["from": "1", "to": "1"] : [:]
                // This fixture's plan is a grid file alone (no blocks): a village's blocks are 409
                // here; PlanAPITests asks them of a partitioned plan.
                let expected = p.hasSuffix("villages/{code}") ? 409 : 200
                #expect(Fixture.get(filled, query).status == expected, "GET \(p)")
            }
            if block.contains("    post:"), p.hasSuffix("{action}") {
                let r = Fixture.post(filled, "{}")
                #expect(r.status == 200, "POST \(p): \(r.text)")
            }
        }
        let report = try Fixture.object(Fixture.get("/api/v1/report"))
        #expect(report["grids"]?.arrayValue?.count == 148)
    }
}

/// The API over a real socket: the server bound to a free port, asked by a plain TCP client, and
/// stopped by cancelling it (as SIGTERM does), after which the port no longer answers.
@Suite struct LiveServerTests {
    @Test func servesOverHTTPAndStopsGracefully() async throws {
        _ = Fixture.tokens  // the state and accounts made before the server starts: the wait below covers only the start
        let bound = PortBox()
        var logger = Logger(label: "wangge-test")
        logger.logLevel = .warning
        let server = Task { try await WanggeServer.run(api: Fixture.api, host: "127.0.0.1", port: 0, logger: logger) { bound.set($0) } }
        var port = 0
        for _ in 0..<200 where port == 0 { try await Task.sleep(for: .milliseconds(50)); port = bound.get() }
        #expect(port > 0)
        let bound0 = port
        let health = try await offPool { try HTTPClient.get(port: bound0, path: "/health") }
        #expect(health.hasPrefix("HTTP/1.1 200") && health.contains("\"grids\":148"))
        let auth = Fixture.bearer("qu")
        let geocode = try await offPool { try HTTPClient.get(port: bound0, path: "/api/v1/geocode?q=%E8%B4%B9%E6%9E%97%E6%B9%BE%E6%9D%91", headers: auth) }  // 费林湾村
        #expect(geocode.contains("\"village_code\":\"511111106214\""))
        let anonymous = try await offPool { try HTTPClient.get(port: bound0, path: "/api/v1/geocode?q=x") }
        #expect(anonymous.hasPrefix("HTTP/1.1 401") && anonymous.lowercased().contains("www-authenticate: bearer"))

        // A browser's session: the cookie carries it; a change without the CSRF header is refused.
        let login = try await offPool {
            try HTTPClient.request(port: bound0, method: "POST", path: "/api/v1/login", body: #"{"name":"fulu","password":"\#(Fixture.password)"}"#)
        }
        #expect(login.hasPrefix("HTTP/1.1 200"), "\(login)")
        let cookieLine = try #require(login.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") })
        #expect(cookieLine.contains("HttpOnly") && cookieLine.contains("SameSite=Strict") && !cookieLine.contains("Secure"))
        #expect(login.lowercased().contains("x-content-type-options: nosniff"))
        let cookie = String(cookieLine.dropFirst("set-cookie:".count).split(separator: ";")[0]).trimmingCharacters(in: .whitespaces)
        let body = try #require(login.components(separatedBy: "\r\n\r\n").last)
        let csrf = try #require(try JSONValue.parse(Array(body.utf8)).objectValue?["csrf_token"]?.stringValue)
        let noHeader = try await offPool { try HTTPClient.request(port: bound0, method: "POST", path: "/api/v1/logout", headers: ["Cookie": cookie]) }
        #expect(noHeader.hasPrefix("HTTP/1.1 403") && noHeader.contains("X-CSRF-Token"))
        let me = try await offPool { try HTTPClient.get(port: bound0, path: "/api/v1/me", headers: ["Cookie": cookie]) }
        #expect(me.hasPrefix("HTTP/1.1 200") && me.contains("\"unit\":\"511111106\""))
        let out = try await offPool { try HTTPClient.request(port: bound0, method: "POST", path: "/api/v1/logout", headers: ["Cookie": cookie, "X-CSRF-Token": csrf]) }
        #expect(out.hasPrefix("HTTP/1.1 200"))
        let after = try await offPool { try HTTPClient.get(port: bound0, path: "/api/v1/me", headers: ["Cookie": cookie]) }
        #expect(after.hasPrefix("HTTP/1.1 401"))
        // The audit log names the peer's address as the socket gave it.
        let audit = try Fixture.object(Fixture.get("/api/v1/audit", ["limit": "10000"]))
        let logouts = audit["audit"]?.arrayValue?.compactMap(\.objectValue).filter { $0["action"] == .string("logout") && $0["actor"] == .string("fulu") } ?? []
        #expect(logouts.last?["address"] == .string("127.0.0.1"))
        server.cancel()
        _ = try? await server.value
        // Stopped: the port gives no HTTP answer (refused, or closed without a word).
        let afterStop = (try? HTTPClient.get(port: port, path: "/health")) ?? ""
        #expect(!afterStop.hasPrefix("HTTP/"), "\(afterStop.prefix(200))")
    }
}

/// Runs blocking work (a socket read, a browser) on a Dispatch thread, never on the cooperative
/// pool that the server's handlers need: on 2 cores, blocking it would starve the server.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in DispatchQueue.global().async { c.resume(with: Result { try work() }) } }
}

/// Runs `body` (off the cooperative pool: it may drive a browser) with the server listening on a
/// free loopback port; the state and the test accounts are made first, so the wait for the port
/// covers only the start.
func withLiveServer<T: Sendable>(api: API? = nil, _ body: @escaping @Sendable (Int) throws -> T) async throws -> T {
    if api == nil { _ = Fixture.tokens }
    let api = api ?? Fixture.api
    let bound = PortBox()
    var logger = Logger(label: "wangge-test")
    logger.logLevel = .warning
    let server = Task { try await WanggeServer.run(api: api, host: "127.0.0.1", port: 0, logger: logger) { bound.set($0) } }
    defer { server.cancel() }
    var port = 0
    for _ in 0..<200 where port == 0 { try await Task.sleep(for: .milliseconds(50)); port = bound.get() }
    let live = port
    return try await offPool { try body(live) }
}

final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    func set(_ p: Int) { lock.withLock { port = p } }
    func get() -> Int { lock.withLock { port } }
}

/// HTTP/1.1 over a POSIX socket: enough to ask one question and read the whole answer.
enum HTTPClient {
    struct Failure: Error { var message: String }

    static func get(port: Int, path: String, headers: [String: String] = [:]) throws -> String {
        try request(port: port, method: "GET", path: path, headers: headers)
    }

    /// One request (headers sent in name order) and the whole answer, head and body.
    static func request(port: Int, method: String, path: String, headers: [String: String] = [:], body: String = "") throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(message: "socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(message: "connect: errno \(errno)") }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) { head += "\(k): \(v)\r\n" }
        if method != "GET" { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        let request = Array((head + "\r\n" + body).utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { throw Failure(message: "send") }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}

@Suite struct FirstStartTests {
    /// An empty data directory gets the bundled plan (partitioned, validated) and its gazetteer,
    /// and the second start reads them back as they are.
    @Test func anEmptyDataDirectoryIsMadeFromTheBundledDistrict() throws {
        let dir = Fixture.scratch("first-start")
        var notes: [String] = []
        let state = try ServerState(data: dir, boundaries: Fixture.boundaries) { notes.append($0) }
        #expect(state.grids.count == 204)
        // Partitioned, then recorded as version 1 of the plan store (as `wangge plan init`).
        #expect(notes.count == 2 && notes[0].contains("no plan yet") && notes[1].contains("plan.gpkg: created, version 1 (204 grids, 2445 blocks)"), "\(notes)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files.contains("grids.geojson") && files.contains("blocks.geojson") && files.contains("gazetteer.sqlite") && files.contains("plan.gpkg"))
        let grids = try Data(contentsOf: URL(fileURLWithPath: dir + "/grids.geojson"))
        var again: [String] = []
        let reopened = try ServerState(data: dir, boundaries: Fixture.boundaries) { again.append($0) }
        #expect(again.isEmpty && reopened.grids.map { $0.string("code") } == state.grids.map { $0.string("code") })
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/grids.geojson")) == grids)

        // The store is the truth: a version recorded by the CLI while the server was down is what
        // the next start writes out and serves.
        let m = try PlanFixture.move(in: nil, breaking: false, state: reopened)
        let district = reopened.district, layers = reopened.layers
        let r = try PlanBook(path: dir + "/plan.gpkg").move([([m.block], m.to)], boundaries: district, layers: layers,
                                                            stamp: PlanStamp(author: "cli", time: "2026-12-01T05:00:00Z", message: ""))
        var third: [String] = []
        let restarted = try ServerState(data: dir, boundaries: Fixture.boundaries) { third.append($0) }
        #expect(third.count == 2 && third[0].contains("not version \(r.after.version) of") && third[1].contains("rebuilding"), "\(third)")
        #expect(restarted.view.current.version == r.after.version)
        let blocks = try GeoJSONReader().readFeatureCollection(contentsOf: dir + "/blocks.geojson")
        #expect(blocks.features.first { $0.id?.text == m.block }?.string("grid_code") == m.to)
    }
}

/// The intake desk's page in a real browser (headless Chromium, as `make test` installs it):
/// `/?q=ADDRESS` asks the API; without a session the page shows its login form instead.
@Suite(.serialized) struct IntakePageBrowserTests {
    /// The DOM after the page's scripts ran (virtual time: the fetch completes first).
    static func dom(_ url: String) throws -> String {
        let r = try run("chromium", package: "chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000", "--dump-dom", url])
        return String(decoding: r.out, as: UTF8.self)
    }

    @Test func withoutASessionThePageAsksForALogin() async throws {
        let page = Fixture.get("/")
        // Works offline: nothing loaded from elsewhere (the only URL is the SVG namespace).
        #expect(page.status == 200 && page.contentType.hasPrefix("text/html"))
        #expect(!page.text.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"))

        // Without a session the API answers nothing: the page asks for a login instead, and
        // shows no grid or worker.
        let asked = try await withLiveServer { live in try Self.dom("http://127.0.0.1:\(live)/?q=" + "福禄镇费林湾村1组27号".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!) }
        #expect(asked.contains("data-status=\"login\""), "\(asked.suffix(2000))")
        #expect(!asked.contains("王建国") && !asked.contains("13800000001"))
        #expect(asked.contains("id=\"login\"") && !asked.contains("id=\"login\" hidden"))
    }

    /// The desk's whole flow in the browser: the page asks, is told to log in, the clerk types
    /// name and password into the form, and the same question is answered — status, grid, worker,
    /// the grid outlined on the map; an address elsewhere is "outside".
    @Test func afterLoggingInOnThePageTheAnswerShowsItsGridAndWorker() async throws {
        let (matched, outside) = try await withLiveServer { live throws -> (String, String) in
            let browser = try BrowserSession()
            try browser.openPage()
            let q = "福禄镇费林湾村1组27号".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            try browser.navigate("http://127.0.0.1:\(live)/?q=" + q)
            guard try browser.waitFor("document.getElementById('answer').dataset.status === 'login'") else { return ("no login form", "") }
            _ = try browser.evaluate("""
                document.getElementById('login-name').value = 'feilinwan';
                document.getElementById('login-password').value = \(JSONValue.string(Fixture.password).jsonText);
                document.getElementById('login').requestSubmit(); true
                """)
            _ = try browser.waitFor("document.getElementById('answer').dataset.status === 'matched'")
            let matched = try browser.evaluate("document.getElementById('answer').outerHTML + (document.querySelector('.hit') ? ' HIT' : '')").stringValue ?? ""
            // The session is a cookie now: a new question needs no login.
            try browser.navigate("http://127.0.0.1:\(live)/?q=" + ("北京市朝阳区建国路1号".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            _ = try browser.waitFor("document.getElementById('answer').dataset.status === 'outside'")
            let outside = try browser.evaluate("document.getElementById('answer').outerHTML").stringValue ?? ""
            return (matched, outside)
        }
        #expect(matched.contains("data-status=\"matched\" data-grid=\"511111106214001\""), "\(matched)")
        #expect(matched.contains("王建国") && matched.contains("13800000001"))
        #expect(matched.hasSuffix(" HIT"))
        #expect(outside.contains("data-status=\"outside\""), "\(outside)")
    }
}

/// The case routes over the same store and ladder as `wangge case`.
@Suite(.serialized) struct CaseAPITests {
    static func post(_ path: String, _ body: String, as name: String = "qu") -> APIResponse { Fixture.post(path, body, as: name) }

    /// Registered by the village station, taken on and escalated by the grid worker: each step
    /// records the account that took it.
    @Test func aCaseGoesFromTheDeskUpTheLadder() throws {
        let created = Self.post("/api/v1/cases", #"{"type":"dispute","category":"邻里纠纷","address":"福禄镇费林湾村1组27号"}"#, as: "feilinwan")
        #expect(created.status == 201, "\(created.text)")
        let c = try Fixture.object(created)
        let id = try #require(c["id"]?.stringValue)
        #expect(c["grid_code"] == .string("511111106214001") && c["grid_worker"] == .string("王建国"))
        #expect(c["status"] == .string("reported") && c["level"] == .string("grid") && c["light"] == .string("green"))

        // Resolved before it is accepted: refused, saying why; the case is unchanged.
        let early = Self.post("/api/v1/cases/\(id)/resolve", "{}", as: "wang")
        #expect(early.status == 409 && early.text.contains("accept"), "\(early.text)")
        // The actor is the account: naming another is refused.
        #expect(Self.post("/api/v1/cases/\(id)/accept", #"{"actor":"王建国"}"#, as: "wang").status == 400)
        #expect(Self.post("/api/v1/cases/\(id)/accept", "{}", as: "wang").status == 200)
        let up = try Fixture.object(Self.post("/api/v1/cases/\(id)/escalate", #"{"actor":"wang","note":"需村协调"}"#, as: "wang"))
        #expect(up["case"]?.objectValue?["level"] == .string("village"))
        #expect(Self.post("/api/v1/cases/\(id)/fly", "{}").status == 404)
        #expect(Self.post("/api/v1/cases/X999/accept", "{}").status == 404)

        let shown = try Fixture.object(Fixture.get("/api/v1/cases/\(id)"))
        let history = try #require(shown["history"]?.arrayValue)
        #expect(history.compactMap { $0.objectValue?["action"]?.stringValue } == ["report", "accept", "escalate"])
        #expect(history.last?.objectValue?["note"] == .string("需村协调"))
        #expect(history.compactMap { $0.objectValue?["actor"]?.stringValue } == ["feilinwan", "wang", "wang"])

        let listed = try Fixture.object(Fixture.get("/api/v1/cases", ["grid": "511111106214001", "level": "village"]))
        #expect(listed["cases"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue }.contains(id) == true)
        #expect(Fixture.get("/api/v1/cases", ["light": "purple"]).status == 400)
        let report = try Fixture.object(Fixture.get("/api/v1/cases/report"))
        #expect(!report.isEmpty)
    }

    @Test func locationsThatCannotBePlacedAreRefusedWithTheReason() throws {
        let point = Self.post("/api/v1/cases", #"{"type":"problem","lon":103.65,"lat":29.388,"crs":"gcj02"}"#)
        #expect(point.status == 201, "\(point.text)")
        #expect(try Fixture.object(point)["given_crs"]?.stringValue?.lowercased().contains("gcj") == true)
        let outside = Self.post("/api/v1/cases", #"{"type":"problem","address":"峨眉山市符溪镇"}"#)
        #expect(outside.status == 422 && outside.text.contains("峨眉山市"), "\(outside.text)")
        #expect(Self.post("/api/v1/cases", #"{"type":"party","address":"费林湾村"}"#).status == 400)
        #expect(Self.post("/api/v1/cases", #"{"type":"problem"}"#).status == 400)
        #expect(Self.post("/api/v1/cases", "[1,2]").status == 400)
    }
}
