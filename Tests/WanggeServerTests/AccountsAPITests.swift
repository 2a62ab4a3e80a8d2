import Foundation
import Testing
import WanggeAccounts
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeServer

/// Cases the scope tests look at, made once by the district: one in 费林湾村 (the "own" units of
/// the test accounts), one in 公坪村 of another township, and a department matter taken up the
/// ladder — each level by its own account — to 水务局.
enum ScopeCases {
    struct Made { var own: String; var other: String; var department: String }

    static let made: Made = {
        func create(_ body: String) -> String {
            let r = Fixture.post("/api/v1/cases", body)
            guard r.status == 201, let id = (try? JSONValue.parse(r.body))?.objectValue?["id"]?.stringValue else { fatalError("create: \(r.text)") }
            return id
        }
        let own = create(#"{"type":"problem","address":"福禄镇费林湾村1组27号"}"#)
        let other = create(#"{"type":"problem","address":"踏水镇公坪村3组44号"}"#)
        let dept = create(#"{"type":"department_matter","category":"水务局","address":"福禄镇费林湾村1组27号"}"#)
        for name in ["wang", "feilinwan", "fulu", "qu"] {
            let r = Fixture.post("/api/v1/cases/\(dept)/escalate", #"{"note":"上报"}"#, as: name)
            guard r.status == 200 else { fatalError("escalate by \(name): \(r.text)") }
        }
        return Made(own: own, other: other, department: dept)
    }()
}

@Suite(.serialized) struct ScopeTests {
    enum Side: String { case own, other }

    /// One probe: a request for the own or the other unit's object.
    struct Probe: Sendable {
        var name: String
        var request: @Sendable (Side) -> (method: String, path: String, query: [String: String], body: String)
    }

    static func get(_ path: String, _ query: [String: String] = [:]) -> (String, String, [String: String], String) { ("GET", path, query, "") }

    static let probes: [Probe] = [
        Probe(name: "show case") { get("/api/v1/cases/" + ($0 == .own ? ScopeCases.made.own : ScopeCases.made.other)) },
        // verify on a reported case: past scope (404) and right (403), the ladder refuses (409) — nothing changes.
        Probe(name: "verify case") { ("POST", "/api/v1/cases/" + ($0 == .own ? ScopeCases.made.own : ScopeCases.made.other) + "/verify", [:], "{}") },
        Probe(name: "show department case") { get("/api/v1/cases/" + ($0 == .own ? ScopeCases.made.department : ScopeCases.made.other)) },
        Probe(name: "grid") { get("/api/v1/grids/" + ($0 == .own ? "511111106214001" : "511111102207001")) },
        Probe(name: "village grids") { get("/api/v1/villages/" + ($0 == .own ? "511111106214" : "511111102207") + "/grids") },
        Probe(name: "register case") {
            ("POST", "/api/v1/cases", [:], $0 == .own ? #"{"type":"errand","address":"福禄镇费林湾村1组27号"}"# : #"{"type":"errand","address":"踏水镇公坪村3组44号"}"#)
        },
        Probe(name: "workload report") { _ in get("/api/v1/report") },
        Probe(name: "audit") { _ in get("/api/v1/audit") },
        Probe(name: "me") { _ in get("/api/v1/me") },
        Probe(name: "geocode") { _ in get("/api/v1/geocode", ["q": "费林湾村"]) },
        Probe(name: "batch geocode") { _ in ("POST", "/api/v1/geocode", [:], #"{"addresses":["费林湾村","公坪村"]}"#) },
        Probe(name: "assign") { _ in get("/api/v1/assign", ["lon": "103.6", "lat": "29.4"]) },
        Probe(name: "grids") { _ in get("/api/v1/grids") },
        Probe(name: "cases") { _ in get("/api/v1/cases") },
        Probe(name: "case report") { _ in get("/api/v1/cases/report") },
    ]

    /// Expected status: role → probe → (own, other). Written out by hand from docs/API.md.
    static let expected: [String: [String: (Int, Int)]] = {
        let everyone = ["me": (200, 200), "geocode": (200, 200), "batch geocode": (200, 200), "assign": (200, 200), "grids": (200, 200), "cases": (200, 200), "case report": (200, 200)]
        var t: [String: [String: (Int, Int)]] = [:]
        t["qu"] = everyone.merging(["show case": (200, 200), "verify case": (409, 409), "show department case": (200, 200), "grid": (200, 200),
                                    "village grids": (200, 200), "register case": (201, 201), "workload report": (200, 200), "audit": (200, 200)]) { a, _ in a }
        for (name, grid) in [("fulu", false), ("feilinwan", false), ("wang", true)] {
            t[name] = everyone.merging(["show case": (200, 404), "verify case": (grid ? 403 : 409, 404), "show department case": (200, 404),
                                        "grid": (200, 404), "village grids": (200, 404), "register case": (201, 403),
                                        "workload report": (200, 200), "audit": (403, 403)]) { a, _ in a }
        }
        t["shuiwu"] = everyone.merging(["show case": (404, 404), "verify case": (404, 404), "show department case": (200, 404), "grid": (200, 200),
                                        "village grids": (200, 200), "register case": (403, 403), "workload report": (403, 403), "audit": (403, 403)]) { a, _ in a }
        t["jiaotong"] = t["shuiwu"]!.merging(["show department case": (404, 404)]) { _, b in b }
        return t
    }()

    @Test(arguments: ["qu", "fulu", "feilinwan", "wang", "shuiwu", "jiaotong"])
    func everyRoleAgainstEveryEndpoint(_ name: String) throws {
        _ = ScopeCases.made
        let table = try #require(Self.expected[name])
        for probe in Self.probes {
            let (own, other) = try #require(table[probe.name], "\(name): no expectation for \(probe.name)")
            for (side, status) in [(Side.own, own), (.other, other)] {
                let r = probe.request(side)
                let answer = Fixture.api.handle(APIRequest(method: r.method, path: r.path, query: r.query, body: Array(r.body.utf8), headers: Fixture.bearer(name)))
                #expect(answer.status == status, "\(name) \(probe.name) (\(side.rawValue)): \(answer.status) \(answer.text.prefix(300))")
            }
        }
    }

    /// A foreign case answers word for word as an id that does not exist, for reading and for every step.
    @Test func aForeignCaseIsIndistinguishableFromNone() throws {
        let other = ScopeCases.made.other
        for name in ["fulu", "feilinwan", "wang", "shuiwu"] {
            let foreign = Fixture.get("/api/v1/cases/\(other)", as: name)
            let none = Fixture.get("/api/v1/cases/D999999", as: name)
            #expect(foreign.status == 404 && foreign.text.replacingOccurrences(of: other, with: "D999999") == none.text)
            for action in ["accept", "escalate", "return", "extend", "park", "resolve", "verify", "close"] {
                let step = Fixture.post("/api/v1/cases/\(other)/\(action)", #"{"hours":1}"#, as: name)
                let noneStep = Fixture.post("/api/v1/cases/D999999/\(action)", #"{"hours":1}"#, as: name)
                #expect(step.status == 404 && step.text.replacingOccurrences(of: other, with: "D999999") == noneStep.text, "\(name) \(action)")
            }
        }
        // And nothing moved.
        let shown = try Fixture.object(Fixture.get("/api/v1/cases/\(other)"))
        #expect(shown["history"]?.arrayValue?.count == 1)
    }

    /// Lists and reports hold only the caller's cases.
    @Test func listsAndReportsAreCutToTheUnit() throws {
        let made = ScopeCases.made
        func ids(_ name: String, _ query: [String: String] = [:]) throws -> Set<String> {
            var q = query
            q["limit"] = "10000"
            return Set(try Fixture.object(Fixture.get("/api/v1/cases", q, as: name))["cases"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? [])
        }
        #expect(try ids("qu").isSuperset(of: [made.own, made.other, made.department]))
        for name in ["fulu", "feilinwan", "wang"] {
            let mine = try ids(name)
            #expect(mine.contains(made.own) && mine.contains(made.department) && !mine.contains(made.other), "\(name)")
            // Asking for another unit by filter gives nothing, not an error.
            #expect(try ids(name, ["township": "511111102"]).isEmpty)
        }
        #expect(try ids("shuiwu") == [made.department])
        #expect(try ids("jiaotong").isEmpty)

        let report = try Fixture.object(Fixture.get("/api/v1/cases/report", as: "feilinwan"))
        #expect(report["villages"]?.arrayValue?.compactMap { $0.objectValue?["code"]?.stringValue } == ["511111106214"])
        let dept = try Fixture.object(Fixture.get("/api/v1/cases/report", as: "shuiwu"))
        #expect(dept["departments"]?.arrayValue?.compactMap { $0.objectValue?["code"]?.stringValue } == ["水务局"])
        #expect(dept["total"]?.objectValue?["total"] == .number(JSONNumber(1)))

        let grids = try GeoJSONReader().readFeatureCollection(Data(Fixture.get("/api/v1/grids", as: "fulu").body))
        #expect(!grids.features.isEmpty && grids.features.allSatisfy { $0.string("township_code") == "511111106" })
        let workload = try Fixture.object(Fixture.get("/api/v1/report", as: "wang"))
        #expect(workload["grids"]?.arrayValue?.compactMap { $0.objectValue?["code"]?.stringValue } == ["511111106214001"])
    }

    /// Geocode and assign answer every account, but name a grid's worker only to those who see
    /// that grid (the district, a department, its township, village and grid).
    @Test func aGridWorkerIsNamedOnlyWithinScope() throws {
        let ctx = GEOSContext()
        let village = try #require(Fixture.state.district.villages.first { $0.code == "511111106214" })
        let p = try #require(try ctx.geometry(from: village.geometry).pointOnSurface().pointCoordinate())
        for (name, named) in [("qu", true), ("shuiwu", true), ("fulu", true), ("feilinwan", true), ("wang", true), ("tashui", false), ("gongping", false), ("li", false)] {
            let one = try Fixture.object(Fixture.get("/api/v1/geocode", ["q": "福禄镇费林湾村1组27号"], as: name))
            #expect(one["grid"] == .string("511111106214001") && (one["grid_worker"] != nil) == named, "\(name) geocode")
            let batch = Fixture.post("/api/v1/geocode", #"{"addresses":["福禄镇费林湾村1组27号"]}"#, as: name)
            #expect(batch.text.contains("王建国") == named, "\(name) batch")
            let point = try Fixture.object(Fixture.get("/api/v1/assign", ["lon": "\(p.x)", "lat": "\(p.y)"], as: name))
            #expect(point["grid_code"] == .string("511111106214001") && (point["grid_worker"] != .null) == named, "\(name) assign")
        }
    }

    /// The department holds its case: only it resolves at its level; the township sees the case
    /// but may not; the station verifies; every step names its account.
    @Test func theDepartmentResolvesAndTheStationVerifies() throws {
        let id = try #require(try JSONValue.parse(Fixture.post("/api/v1/cases", #"{"type":"department_matter","category":"水务局","address":"福禄镇费林湾村1组27号"}"#).body)
            .objectValue?["id"]?.stringValue)
        for name in ["qu", "qu", "qu", "qu"] { #expect(Fixture.post("/api/v1/cases/\(id)/escalate", "{}", as: name).status == 200) }
        #expect(Fixture.post("/api/v1/cases/\(id)/accept", "{}", as: "jiaotong").status == 404)
        #expect(Fixture.post("/api/v1/cases/\(id)/accept", "{}", as: "fulu").status == 403)
        #expect(Fixture.post("/api/v1/cases/\(id)/accept", "{}", as: "shuiwu").status == 200)
        let refused = Fixture.post("/api/v1/cases/\(id)/resolve", "{}", as: "qu")
        #expect(refused.status == 403 && refused.text.contains("department"), "\(refused.text)")
        #expect(Fixture.post("/api/v1/cases/\(id)/resolve", #"{"note":"已修复"}"#, as: "shuiwu").status == 200)
        #expect(Fixture.post("/api/v1/cases/\(id)/verify", "{}", as: "wang").status == 403)
        #expect(Fixture.post("/api/v1/cases/\(id)/verify", "{}", as: "feilinwan").status == 200)
        #expect(Fixture.post("/api/v1/cases/\(id)/close", "{}", as: "fulu").status == 200)
        let history = try Fixture.object(Fixture.get("/api/v1/cases/\(id)"))["history"]?.arrayValue ?? []
        #expect(history.compactMap { $0.objectValue?["actor"]?.stringValue } == ["qu", "qu", "qu", "qu", "qu", "shuiwu", "shuiwu", "feilinwan", "fulu"])
        let audit = try Fixture.object(Fixture.get("/api/v1/audit", ["limit": "10000"]))["audit"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let mine = audit.filter { $0["target"] == .string(id) }
        #expect(mine.compactMap { $0["actor"]?.stringValue } == ["qu", "qu", "qu", "qu", "qu", "shuiwu", "shuiwu", "feilinwan", "fulu"])
        #expect(mine.first?["action"] == .string("case_create") && mine.last?["detail"] == .string("close department→department"))
    }
}

@Suite(.serialized) struct SessionTests {
    static func login(_ api: API, _ name: String, _ password: String = Fixture.password, peer: String = "local", headers: [String: String] = [:]) -> APIResponse {
        _ = Fixture.tokens  // the test accounts exist
        return api.handle(APIRequest(method: "POST", path: "/api/v1/login", body: Array(#"{"name":\#(JSONValue.string(name).jsonText),"password":\#(JSONValue.string(password).jsonText)}"#.utf8),
                              headers: headers, peer: peer))
    }

    @Test func onlyTheHealthTheDocumentThePageAndLoginArePublic() throws {
        for path in ["/health", "/api/v1/health", "/api/v1/openapi.yaml", "/"] {
            #expect(Fixture.api.handle(APIRequest(method: "GET", path: path)).status == 200, "\(path)")
        }
        for path in ["/api/v1/geocode", "/api/v1/assign", "/api/v1/grids", "/api/v1/grids/511111106214001", "/api/v1/villages/511111106214/grids",
                     "/api/v1/report", "/api/v1/cases", "/api/v1/cases/report", "/api/v1/cases/D000001", "/api/v1/me", "/api/v1/audit"] {
            let r = Fixture.api.handle(APIRequest(method: "GET", path: path, query: ["q": "x", "lon": "103.6", "lat": "29.4"]))
            #expect(r.status == 401 && r.headers["WWW-Authenticate"] != nil, "\(path): \(r.status)")
        }
        for path in ["/api/v1/cases", "/api/v1/cases/D000001/accept", "/api/v1/geocode", "/api/v1/logout"] {
            #expect(Fixture.api.handle(APIRequest(method: "POST", path: path, body: Array("{}".utf8))).status == 401, "\(path)")
        }
        // The page itself carries no worker's name or phone: those come from the API, after login.
        let page = Fixture.api.handle(APIRequest(method: "GET", path: "/"))
        #expect(!page.text.contains("13800000001"))
    }

    @Test func loginAnswersWithTokenCookieAndCSRFToken() throws {
        let r = Self.login(Fixture.api, "feilinwan")
        #expect(r.status == 200)
        let o = try Fixture.object(r)
        let token = try #require(o["token"]?.stringValue), csrf = try #require(o["csrf_token"]?.stringValue)
        #expect(o["account"]?.objectValue?["role"] == .string("village") && o["account"]?.objectValue?["unit"] == .string("511111106214"))
        let cookie = try #require(r.headers["Set-Cookie"])
        #expect(cookie.hasPrefix("wangge_session=\(token);") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age=28800"))
        var secure = Fixture.api
        secure.policy.secureCookie = true
        #expect(Self.login(secure, "feilinwan").headers["Set-Cookie"]?.hasSuffix("; Secure") == true)
        let me = try Fixture.object(Fixture.api.handle(APIRequest(method: "GET", path: "/api/v1/me", headers: ["Cookie": "a=b; wangge_session=\(token)"])))
        #expect(me["csrf_token"] == .string(csrf) && me["account"]?.objectValue?["name"] == .string("feilinwan"))
        // No hash, no token in /me.
        #expect(me["token"] == nil && !Fixture.api.handle(APIRequest(method: "GET", path: "/api/v1/me", headers: ["Cookie": "wangge_session=\(token)"])).text.contains("pbkdf2"))
        for bad in ["", "not json", #"{"name":"feilinwan"}"#, #"{"name":1,"password":2}"#] {
            #expect(Fixture.api.handle(APIRequest(method: "POST", path: "/api/v1/login", body: Array(bad.utf8))).status == 400, "\(bad)")
        }
        #expect(Self.login(Fixture.api, "feilinwan", "wrong password").status == 401)
        #expect(Self.login(Fixture.api, "nobody-at-all").status == 401)
        #expect(Fixture.api.handle(APIRequest(method: "GET", path: "/api/v1/login")).status == 405)
    }

    /// A change made with the cookie needs X-CSRF-Token equal to the session's; a bearer token
    /// needs none (another site cannot make the browser send a bearer header).
    @Test func cookieChangesNeedTheCSRFHeaderBearerOnesDoNot() throws {
        let o = try Fixture.object(Self.login(Fixture.api, "wang"))
        let token = try #require(o["token"]?.stringValue), csrf = try #require(o["csrf_token"]?.stringValue)
        let body = Array(#"{"type":"errand","address":"福禄镇费林湾村1组27号"}"#.utf8)
        let cookie = ["Cookie": "wangge_session=\(token)"]
        let bare = Fixture.api.handle(APIRequest(method: "POST", path: "/api/v1/cases", body: body, headers: cookie))
        #expect(bare.status == 403 && bare.text.contains("X-CSRF-Token"))
        let wrong = Fixture.api.handle(APIRequest(method: "POST", path: "/api/v1/cases", body: body, headers: cookie.merging(["X-CSRF-Token": csrf + "x"]) { a, _ in a }))
        #expect(wrong.status == 403)
        let other = try #require(try Fixture.object(Self.login(Fixture.api, "wang"))["csrf_token"]?.stringValue)
        #expect(Fixture.api.handle(APIRequest(method: "POST", path: "/api/v1/cases", body: body, headers: cookie.merging(["X-CSRF-Token": other]) { a, _ in a })).status == 403)
        let good = Fixture.api.handle(APIRequest(method: "POST", path: "/api/v1/cases", body: body, headers: cookie.merging(["x-csrf-token": csrf]) { a, _ in a }))
        #expect(good.status == 201, "\(good.text)")
        // Reading with the cookie needs no header.
        #expect(Fixture.api.handle(APIRequest(method: "GET", path: "/api/v1/cases", headers: cookie)).status == 200)
        let bearer = Fixture.api.handle(APIRequest(method: "POST", path: "/api/v1/cases", body: body, headers: ["Authorization": "Bearer \(token)"]))
        #expect(bearer.status == 201)
    }

    static let desk: UserDesk = {
        var d = UserDesk(store: Fixture.state.accounts, units: Fixture.state.units, operatorName: "cli:test")
        d.rounds = PasswordHash.minimumRounds
        return d
    }()

    /// An account of its own, for a test that moves the clock (a login sweeps its account's
    /// expired sessions: the shared accounts must not see that clock).
    static func freshAccount() throws -> String {
        let name = "temp-\(UInt32.random(in: 0...UInt32.max))"
        try desk.add(name: name, displayName: "临时 <b>", role: .village, unit: "511111106214", password: Fixture.password)
        return name
    }

    @Test func expiredForgedAndDisabledSessionsAre401() throws {
        let clock = ClockBox(2_000_000_000)
        var api = Fixture.api
        api.clock = { clock.get() }
        let desk = Self.desk
        let name = try Self.freshAccount()
        let token = try #require(try Fixture.object(Self.login(api, name))["token"]?.stringValue)
        func me(_ t: String) -> Int { api.handle(APIRequest(method: "GET", path: "/api/v1/me", headers: ["Authorization": "Bearer \(t)"])).status }
        #expect(me(token) == 200)
        clock.set(2_000_000_000 + 8 * 3600 - 1)
        #expect(me(token) == 200)
        clock.set(2_000_000_000 + 8 * 3600)
        #expect(me(token) == 401)
        clock.set(2_000_000_000 + 9 * 3600)
        let fresh = try #require(try Fixture.object(Self.login(api, name))["token"]?.stringValue)
        #expect(me(fresh) == 200)
        // Forged: random, truncated, altered, absurdly long, or not a bearer scheme.
        for forged in [SessionSecrets.random().token, String(fresh.dropLast()), String(fresh.reversed()), String(repeating: "A", count: 5000), ""] {
            #expect(me(forged) == 401)
        }
        #expect(api.handle(APIRequest(method: "GET", path: "/api/v1/me", headers: ["Authorization": "Basic \(fresh)"])).status == 401)
        try desk.setDisabled(name, true)
        // A session checked in the last two seconds is believed that long (SessionPolicy); then 401.
        clock.set(2_000_000_000 + 9 * 3600 + api.policy.sessionCacheSeconds)
        #expect(me(fresh) == 401)
        #expect(Self.login(api, name).status == 401)
    }

    /// Five wrong passwords for one name from one address, then 429 with Retry-After — even for
    /// the right password; another address is not held; the window passing lets it in again.
    @Test func failedLoginsAreThrottled() throws {
        let clock = ClockBox(2_100_000_000)
        var api = Fixture.api
        api.clock = { clock.get() }
        let name = try Self.freshAccount()
        let peer = "192.0.2.9"
        for i in 0..<5 {
            clock.set(2_100_000_000 + Int64(i))
            #expect(Self.login(api, name, "guess \(i)", peer: peer).status == 401)
        }
        let held = Self.login(api, name, peer: peer)
        #expect(held.status == 429 && held.headers["Retry-After"] == "896", "\(held.headers)")
        #expect(Self.login(api, name, peer: "198.51.100.7").status == 200)
        clock.set(2_100_000_000 + 15 * 60 + 5)
        #expect(Self.login(api, name, peer: peer).status == 200)
        // X-Forwarded-For is believed only behind a trusted proxy: otherwise every guess would
        // come "from" a new address.
        for i in 0..<5 { _ = Self.login(api, name, "guess \(i)", peer: peer, headers: ["X-Forwarded-For": "203.0.113.\(i)"]) }
        #expect(Self.login(api, name, peer: peer, headers: ["X-Forwarded-For": "203.0.113.99"]).status == 429)
        var proxied = api
        proxied.policy.trustForwardedFor = true
        #expect(Self.login(proxied, name, peer: peer, headers: ["X-Forwarded-For": "203.0.113.99, 10.0.0.1"]).status == 200)
    }

    /// SQL-like and script-like text in every field is stored as given and comes back as JSON
    /// text (quotes escaped), never interpreted.
    @Test func hostileTextIsStoredAndReturnedEscaped() throws {
        let hostile = #"'); DROP TABLE cases;-- <script>alert("x")</script>"#
        let body = JSONValue.object(["type": .string("errand"), "category": .string(hostile), "description": .string(hostile),
                                     "note": .string(hostile), "address": .string("福禄镇费林湾村1组27号")]).jsonText
        let created = Fixture.post("/api/v1/cases", body, as: "feilinwan")
        #expect(created.status == 201 && created.contentType.hasPrefix("application/json"))
        #expect(created.text.contains(#"<script>alert(\"x\")</script>"#))  // quotes escaped inside a JSON string
        let c = try Fixture.object(created)
        #expect(c["category"] == .string(hostile) && c["description"] == .string(hostile))
        let id = try #require(c["id"]?.stringValue)
        #expect(Fixture.post("/api/v1/cases/\(id)/accept", JSONValue.object(["note": .string(hostile)]).jsonText, as: "wang").status == 200)
        let shown = try Fixture.object(Fixture.get("/api/v1/cases/\(id)", as: "wang"))
        #expect(shown["history"]?.arrayValue?.last?.objectValue?["note"] == .string(hostile))
        // Hostile ids and names are plain misses.
        #expect(Fixture.get("/api/v1/cases/' OR 1=1 --").status == 404)
        #expect(Fixture.get("/api/v1/grids/<script>").status == 404)
        #expect(Self.login(Fixture.api, "' OR '1'='1' --", "' OR '1'='1' --").status == 401)
        #expect(Fixture.get("/api/v1/audit", ["after": "1; DROP TABLE audit"]).status == 400)
    }

    @Test func theAuditLogRecordsLoginsAndIsForTheDistrictOnly() throws {
        #expect(Self.login(Fixture.api, "tashui", "nope", peer: "192.0.2.200").status == 401)
        let token = try #require(try Fixture.object(Self.login(Fixture.api, "tashui", peer: "192.0.2.201"))["token"]?.stringValue)
        #expect(Fixture.api.handle(APIRequest(method: "POST", path: "/api/v1/logout", headers: ["Authorization": "Bearer \(token)"], peer: "192.0.2.202")).status == 200)
        let lines = try Fixture.object(Fixture.get("/api/v1/audit", ["limit": "10000"]))["audit"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let mine = lines.filter { $0["target"] == .string("tashui") && ($0["address"]?.stringValue ?? "").hasPrefix("192.0.2.20") }
        #expect(mine.compactMap { $0["action"]?.stringValue } == ["login_failed", "login", "logout"])
        #expect(mine.compactMap { $0["address"]?.stringValue } == ["192.0.2.200", "192.0.2.201", "192.0.2.202"])
        #expect(mine.allSatisfy { ($0["at"]?.stringValue ?? "").hasSuffix("Z") })
        let seqs = lines.compactMap { $0["seq"]?.doubleValue }
        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count)
        #expect(Fixture.get("/api/v1/audit", as: "fulu").status == 403)
        #expect(Fixture.get("/api/v1/audit", ["limit": "0"]).status == 400)
    }
}

@Suite struct UserDeskTests {
    /// Units are checked against the district and the plan; adding and disabling are audited
    /// under the operator's name, from "cli"; the password is stored only as its hash.
    @Test func unitsAreCheckedAndChangesAudited() throws {
        let desk = SessionTests.desk
        let name = "desk-\(UInt32.random(in: 0...UInt32.max))"
        #expect(throws: AccountError.self) { try desk.add(name: name, displayName: nil, role: .grid, unit: "511111106214999", password: Fixture.password) }
        #expect(throws: AccountError.self) { try desk.add(name: name, displayName: nil, role: .village, unit: "511111106", password: Fixture.password) }
        #expect(throws: AccountError.self) { try desk.add(name: name, displayName: nil, role: .district, unit: "511111106", password: Fixture.password) }
        #expect(throws: AccountError.self) { try desk.add(name: name, displayName: nil, role: .township, unit: "511111106", password: "short") }
        let a = try desk.add(name: name, displayName: nil, role: .township, unit: "511111106", password: Fixture.password)
        #expect(a.displayName == name && !a.passwordHash.contains(Fixture.password))
        #expect(try desk.table().contains(name))
        try desk.setDisabled(name, true)
        #expect(try desk.table().split(separator: "\n").first { $0.hasPrefix(name) }?.hasSuffix("disabled") == true)
        let lines = try Fixture.state.accounts.audit(after: 0, limit: 100_000).filter { $0.target == name }
        #expect(lines.map(\.action) == [.userAdded, .userDisabled] && lines.allSatisfy { $0.actor == "cli:test" && $0.address == "cli" })
        #expect(lines.first?.detail == "township 511111106")
    }
}

final class ClockBox: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64
    init(_ now: Int64) { self.now = now }
    func set(_ t: Int64) { lock.withLock { now = t } }
    func get() -> Int64 { lock.withLock { now } }
}
