// The JSON API as plain functions of a request, so it is tested without a socket; the HTTP
// server (HTTPServer.swift) only carries requests to `handle` and answers back.
import Foundation
import WanggeAccounts
import WanggeAssign
import WanggeCRS
import WanggeGazetteer
import WanggeGeoJSON
import WanggeGeometry
import WanggeWorkload

/// One API request: method, path (no query), query parameters (decoded), body bytes, headers
/// (names in lower case) and the peer's address.
public struct APIRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    public var body: [UInt8]
    public var headers: [String: String]
    public var peer: String

    public init(method: String, path: String, query: [String: String] = [:], body: [UInt8] = [], headers: [String: String] = [:], peer: String = "local") {
        self.method = method; self.path = path; self.query = query; self.body = body
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.peer = peer
    }
}

/// One API answer: status, content type, body, and any further headers (Set-Cookie, Retry-After).
public struct APIResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public var headers: [String: String] = [:]

    public init(status: Int, contentType: String, body: [UInt8], headers: [String: String] = [:]) {
        self.status = status; self.contentType = contentType; self.body = body; self.headers = headers
    }

    public static func json(_ value: JSONValue, status: Int = 200) -> APIResponse {
        APIResponse(status: status, contentType: "application/json; charset=utf-8", body: Array((value.jsonText + "\n").utf8))
    }

    public static func jsonText(_ text: String, status: Int = 200) -> APIResponse {
        APIResponse(status: status, contentType: "application/json; charset=utf-8", body: Array(text.utf8))
    }

    /// An error as `{"error": message}`: what was wrong, in words, and how to ask instead.
    public static func error(_ status: Int, _ message: String) -> APIResponse {
        .json(.object(["error": .string(message)]), status: status)
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// The API over one `ServerState`. Every answer is JSON (or GeoJSON); every refusal says why.
public struct API: Sendable {
    public let state: ServerState
    /// The most addresses one batch request may carry.
    public var maxBatch = 10_000
    /// PROJ objects are used from one thread at a time.
    let projLock = NSLock()
    /// Sessions: lifetime, login throttle, cookie and proxy settings.
    public var policy = SessionPolicy()
    /// Sessions checked in the last `policy.sessionCacheSeconds`.
    let sessionCache = SessionCache()
    /// The clock for sessions, throttling and the audit log, in Unix seconds (injectable for tests).
    public var clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    /// Audit lines written at once share one transaction (group commit).
    let auditBatcher: AuditBatcher
    /// Case changes' audit lines, from the case store's outbox into the accounts file.
    let auditDrain: AuditDrain?

    public init(state: ServerState) {
        self.state = state
        auditBatcher = AuditBatcher(store: state.accounts)
        auditDrain = state.cases.map { AuditDrain(cases: $0.store, accounts: state.accounts) }
        // Lines a killed server left in the outbox; a failure here is retried by every case change.
        try? auditDrain?.drain()
    }

    public static let prefix = "/api/v1"

    /// Public: the page, the health answer, the OpenAPI document and login. Everything else
    /// needs a session, and answers only within the caller's scope.
    public func handle(_ request: APIRequest) -> APIResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let api = parts.count >= 3 && parts[0] == "api" && parts[1] == "v1" ? Array(parts.dropFirst(2)) : nil
        if parts.isEmpty, request.method == "GET" {
            return APIResponse(status: 200, contentType: "text/html; charset=utf-8", body: state.pages.intake)
        }
        // The other pages: public like `/` (each shows the login form; its figures come from the API).
        if parts == ["cases"], request.method == "GET" {
            return APIResponse(status: 200, contentType: "text/html; charset=utf-8", body: Array(CasesPage.html.utf8))
        }
        if parts == ["board"], request.method == "GET" {
            return APIResponse(status: 200, contentType: "text/html; charset=utf-8", body: state.pages.board)
        }
        if parts == ["plan"], request.method == "GET" {
            return APIResponse(status: 200, contentType: "text/html; charset=utf-8", body: state.plans.page(state.district))
        }
        if parts == ["health"] || api == ["health"], request.method == "GET" {
            return .json(.object([
                "status": .string("ok"), "district": .string(state.district.name), "grids": .number(JSONNumber(state.grids.count)),
                "grids_file": .string(state.gridsFile),
            ]))
        }
        if api == ["openapi.yaml"], request.method == "GET" {
            return APIResponse(status: 200, contentType: "application/yaml; charset=utf-8", body: Array(OpenAPIDocument.text.utf8))
        }
        if api == ["login"] { return request.method == "POST" ? login(request) : .error(405, "log in with POST /api/v1/login {\"name\", \"password\"}") }
        guard let api, Self.known(parts) else {
            if Self.known(parts) { return .error(405, "\(request.method) is not allowed on \(request.path)") }
            return .error(404, "no such endpoint: \(request.path) (see /api/v1/openapi.yaml)")
        }
        let caller: Caller
        switch authenticate(request) { case .success(let c): caller = c; case .failure(let f): return f.response }
        if let refusal = Self.csrfRefusal(request, caller) { return refusal }
        if let answer = handleCases(request, api, caller) { return answer }
        if let answer = handlePlan(request, api, caller) { return answer }
        switch (request.method, api.count, api[0]) {
        case ("POST", 1, "logout"):
            return logout(caller)
        case ("GET", 1, "me"):
            return me(caller)
        case ("GET", 1, "audit"):
            return auditLog(caller, request.query)
        // Geocoding and assigning read the district's geography: any account may ask, but a grid
        // worker's name and phone come only with a grid the caller sees.
        case ("GET", 1, "geocode"):
            guard let q = request.query["q"] ?? request.query["address"], !q.trimmingCharacters(in: .whitespaces).isEmpty else {
                return .error(400, "give the address as ?q=…, e.g. /api/v1/geocode?q=\(state.district.name)…镇…村3组44号")
            }
            return .jsonText(scoped(currentGrid(state.matcher.geocode(q)), caller).jsonLine + "\n")
        case ("POST", 1, "geocode"):
            return geocodeBatch(request.body, caller)
        case ("GET", 1, "assign"):
            return assign(request.query, caller)
        case ("GET", 1, "grids"):
            return gridsCollection(state.grids.filter { Self.sees(caller, grid: $0) })
        case ("GET", 2, "grids"):
            // A grid outside the caller's unit answers as one that does not exist.
            let served = state.view.current
            guard let k = served.gridIndex[api[1]], Self.sees(caller, grid: served.grids[k]) else { return .error(404, "no grid \(api[1]) in the current plan") }
            return APIResponse(status: 200, contentType: "application/geo+json; charset=utf-8",
                               body: (try? GeoJSONWriter(options: .init(decimals: 7)).encode(.feature(served.grids[k]))) ?? [])
        case ("GET", 3, "villages") where api[2] == "grids":
            let grids = state.grids.filter { $0.string("village_code") == api[1] && Self.sees(caller, grid: $0) }
            guard state.district.villages.contains(where: { $0.code == api[1] }), !grids.isEmpty || caller.account.role == .district else {
                return .error(404, "no village or community \(api[1]) in \(state.district.name)")
            }
            return gridsCollection(grids)
        case ("GET", 1, "report"):
            return workloadReport(caller)
        default:
            break
        }
        return .error(405, "\(request.method) is not allowed on \(request.path)")
    }

    /// GET /api/v1/report: the workload report — the district's whole, a township's, village's
    /// or grid's own grids (figures and spreads over those grids); not for departments.
    func workloadReport(_ caller: Caller) -> APIResponse {
        switch caller.account.role {
        case .district: return .jsonText(state.reportJSON)
        case .department: return .error(403, "the workload report is for the district, townships, stations and grid workers")
        case .township, .village, .grid:
            guard let report = state.workloadReport else { return .jsonText(state.reportJSON) }
            let mine = Set(state.grids.filter { Self.sees(caller, grid: $0) }.compactMap { $0.string("code") })
            return .jsonText(WorkloadReport(figures: report.grids.filter { mine.contains($0.figures.code) }.map(\.figures), model: report.model).json)
        }
    }

    static func known(_ p: [String]) -> Bool {
        p == ["health"] || (p.count >= 3 && p[0] == "api" && p[1] == "v1"
            && ["geocode", "assign", "grids", "villages", "report", "openapi.yaml", "cases", "login", "logout", "me", "audit", "health", "plan"].contains(p[2]))
    }

    func gridsCollection(_ features: [Feature]) -> APIResponse {
        let fc = FeatureCollection(features: features, foreignMembers: [JSONMember("name", .string("grids"))])
        guard let bytes = try? GeoJSONWriter(options: .init(decimals: 7)).encode(fc) else { return .error(500, "cannot encode the grids") }
        return APIResponse(status: 200, contentType: "application/geo+json; charset=utf-8", body: bytes)
    }

    /// Whether the caller sees the grid of code `code` (unknown codes: no).
    func sees(_ caller: Caller, gridCode code: String?) -> Bool {
        let served = state.view.current
        guard let code, let k = served.gridIndex[code] else { return false }
        return Self.sees(caller, grid: served.grids[k])
    }

    /// A geocode answer with its grid (and that grid's worker) by the served plan. The gazetteer
    /// placed each point in the plan served at start; once an edit has landed, the answer's point
    /// is placed again by the same one rule (`GridLocator.grid(at:village:)`, its village known)
    /// in the served grids — what a rebuilt gazetteer would say, without rebuilding it.
    func currentGrid(_ result: GeocodeResult) -> GeocodeResult {
        let served = state.view.current
        guard served.version != state.gazetteerVersion, result.grid != nil, let lon = result.lon, let lat = result.lat,
              let g = served.locator.grid(at: Coordinate(lon, lat), village: result.villageCode) else { return result }
        var r = result
        let grid = served.locator.grids[g]
        r.grid = grid.code
        r.gridWorker = grid.worker?.name
        r.gridWorkerPhone = grid.worker?.phone
        return r
    }

    /// A geocode answer without the grid worker when the grid is outside the caller's unit.
    func scoped(_ result: GeocodeResult, _ caller: Caller) -> GeocodeResult {
        guard result.gridWorker != nil, !sees(caller, gridCode: result.grid) else { return result }
        var r = result
        r.gridWorker = nil
        r.gridWorkerPhone = nil
        return r
    }

    /// POST /api/v1/geocode: `{"addresses": ["…", …]}` → `{"results": [answer, …]}` in order.
    func geocodeBatch(_ body: [UInt8], _ caller: Caller) -> APIResponse {
        let value: JSONValue
        do { value = try JSONValue.parse(body) } catch {
            return .error(400, "the body is not JSON (\(error)); send {\"addresses\": [\"…\"]}")
        }
        guard case .array(let items)? = value.objectValue?["addresses"] else {
            return .error(400, "the body has no \"addresses\" array; send {\"addresses\": [\"…\"]}")
        }
        guard items.count <= maxBatch else { return .error(413, "\(items.count) addresses in one request; send at most \(maxBatch)") }
        var lines: [String] = []
        for (i, item) in items.enumerated() {
            guard let text = item.stringValue else { return .error(400, "addresses[\(i)] is not a string") }
            lines.append(scoped(currentGrid(state.matcher.geocode(text)), caller).jsonLine)
        }
        return .jsonText("{\"results\":[\n" + lines.joined(separator: ",\n") + "\n]}\n")
    }

    /// GET /api/v1/assign?lon=…&lat=…[&crs=wgs84|gcj02|bd09|cgcs2000|EPSG:n]: the grid by the one
    /// point-to-grid rule; outside, the nearest grid and its distance.
    func assign(_ query: [String: String], _ caller: Caller) -> APIResponse {
        guard let lonText = query["lon"], let latText = query["lat"] else {
            return .error(400, "give the point as ?lon=…&lat=… (and &crs=gcj02 for Amap coordinates)")
        }
        guard let x = Double(lonText), x.isFinite else { return .error(400, "lon \"\(lonText)\" is not a number") }
        guard let y = Double(latText), y.isFinite else { return .error(400, "lat \"\(latText)\" is not a number") }
        let crs: CRS
        do { crs = try CRS(parsing: query["crs"] ?? "wgs84") } catch {
            return .error(400, "crs \"\(query["crs"] ?? "")\": \(error)")
        }
        if crs == .wgs84 || crs == .gcj02 || crs == .bd09 || crs == .cgcs2000 {
            guard abs(y) <= 90, abs(x) <= 180 else { return .error(400, "lon \(lonText), lat \(latText) are not degrees (longitude within ±180, latitude within ±90)") }
        }
        return projLock.withLock {
            let point: Coordinate
            do { point = crs == .wgs84 ? Coordinate(x, y) : try CoordinateTransform(from: crs, to: .wgs84).transform(Coordinate(x, y)) } catch {
                return .error(400, "cannot convert (\(lonText), \(latText)) from \(crs): \(error)")
            }
            var answer: JSONObject = ["lon_wgs84": .number(JSONNumber(Self.rounded(point.x))), "lat_wgs84": .number(JSONNumber(Self.rounded(point.y)))]
            let locator = state.locator
            let located = locator.locate(point)
            if let g = located.gridIndex {
                let grid = locator.grids[g]
                answer["status"] = .string(located == .inside(g) ? "inside" : "edge")
                answer["grid_code"] = .string(grid.code)
                answer["grid_name"] = .string(grid.name)
                answer["village_code"] = .string(grid.villageCode)
                answer["village"] = .string(grid.village)
                answer["township"] = .string(grid.township)
                answer["grid_worker"] = grid.worker.flatMap { w in
                    sees(caller, gridCode: grid.code) ? .object(["name": .string(w.name), "phone": .string(w.phone)]) : nil
                } ?? .null
            } else {
                answer["status"] = .string("outside")
                if let (g, d) = locator.nearest(point) {
                    answer["nearest_grid"] = .string(locator.grids[g].code)
                    answer["distance_m"] = .number(JSONNumber((d * 10).rounded() / 10))
                }
            }
            return .json(.object(answer))
        }
    }

    static func rounded(_ v: Double) -> Double { (v * 1e7).rounded() / 1e7 }
}
