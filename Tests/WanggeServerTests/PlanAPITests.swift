import Foundation
import Testing
import WanggeAccounts
import WanggeGeoJSON
import WanggePartition
import WanggePlans
import WanggeTestSupport
@testable import WanggeServer

/// A data directory made as on a first start from the bundled district (partitioned: grids with
/// their blocks), so the plan routes have blocks to move; its own accounts.
enum PlanFixture {
    static let data = Fixture.scratch("plan-data")
    static let state = try! ServerState(data: data, boundaries: Fixture.boundaries)
    static let api = API(state: state)
    static let fulu = "511111106", tashui = "511111102"

    /// name → (role, unit): the district, two townships, a village station of 福禄镇 and a grid
    /// worker there.
    static let tokens: [String: String] = {
        let village = state.district.villages.first { $0.townshipCode == fulu }!.code
        let grid = state.grids.first { $0.string("township_code") == fulu }!.string("code")!
        let people: [(String, AccountRole, String?)] = [("qu", .district, nil), ("fulu", .township, fulu), ("tashui", .township, tashui),
                                                        ("station", .village, village), ("worker", .grid, grid), ("shuiwu", .department, "水务局")]
        var desk = UserDesk(store: state.accounts, units: state.units, operatorName: "cli:test")
        desk.rounds = PasswordHash.minimumRounds
        var out: [String: String] = [:]
        for (name, role, unit) in people {
            do { try desk.add(name: name, displayName: name, role: role, unit: unit, password: Fixture.password) } catch { fatalError("\(name): \(error)") }
            out[name] = login(name).token
        }
        return out
    }()

    static func login(_ name: String) -> (token: String, csrf: String) {
        let r = api.handle(APIRequest(method: "POST", path: "/api/v1/login", body: Array("{\"name\":\"\(name)\",\"password\":\"\(Fixture.password)\"}".utf8)))
        let o = (try? JSONValue.parse(r.body))?.objectValue
        guard let token = o?["token"]?.stringValue, let csrf = o?["csrf_token"]?.stringValue else { fatalError("login \(name): \(r.text)") }
        return (token, csrf)
    }

    static func get(_ path: String, _ query: [String: String] = [:], as name: String = "qu") -> APIResponse {
        api.handle(APIRequest(method: "GET", path: path, query: query, headers: ["Authorization": "Bearer \(tokens[name] ?? "")"]))
    }

    static func post(_ path: String, _ body: String, as name: String = "qu") -> APIResponse {
        api.handle(APIRequest(method: "POST", path: path, body: Array(body.utf8), headers: ["Authorization": "Bearer \(tokens[name] ?? "")"]))
    }

    static func object(_ r: APIResponse) throws -> JSONObject {
        try #require(try JSONValue.parse(r.body).objectValue, "not a JSON object: \(r.text.prefix(300))")
    }

    static func currentVersion() throws -> Int {
        Int(try #require(try object(get("/api/v1/plan"))["version"]?.objectValue?["version"]?.doubleValue))
    }

    /// A move of the current plan found with the library's block graph (the oracle is the graph,
    /// not the server): a block of a grid in `township` (nil: anywhere) that touches another grid
    /// of its village. `breaking`: one whose leaving cuts its grid in two; else one whose grid
    /// stays one piece and non-empty, and neither grid locked.
    struct Move { var block: String; var from: String; var to: String; var village: String; var households: Int }

    static func move(in township: String?, breaking: Bool) throws -> Move {
        try move(in: township, breaking: breaking, state: state)
    }

    static func move(in township: String?, breaking: Bool, state: ServerState) throws -> Move {
        let (_, plan) = try state.plans.plan()
        let locked = Set(try state.plans.book.locks().map(\.gridCode))
        for v in state.district.villages.sorted(by: { $0.code < $1.code }) where township == nil || v.townshipCode == township {
            guard let vb = try? VillageBlocks.of(plan, village: v.code), vb.gridCodes.count >= 2 else { continue }
            for n in vb.ids.indices where !locked.contains(vb.grid[n]) {
                let rest = vb.nodes(of: vb.grid[n]).filter { $0 != n }
                guard !rest.isEmpty else { continue }
                guard let to = vb.graph.neighbours(of: n).map({ vb.grid[$0] }).filter({ $0 != vb.grid[n] && !locked.contains($0) }).sorted().first else { continue }
                if vb.graph.isConnected(rest) == breaking { continue }
                let households = Int(plan.blocks.features[vb.featureIndex[n]].double("households") ?? 0)
                return Move(block: vb.ids[n], from: vb.grid[n], to: to, village: v.code, households: households)
            }
        }
        throw ClientError(description: "no \(breaking ? "breaking" : "valid") move in \(township ?? "the district")")
    }

    static func moveBody(_ m: Move, base: Int? = nil) -> String {
        "{\"edits\":[{\"op\":\"move\",\"blocks\":[\"\(m.block)\"],\"to\":\"\(m.to)\"}]" + (base.map { ",\"base_version\":\($0)" } ?? "") + "}"
    }
}

/// The plan routes over a partitioned plan: edits through the CLI's checks, scope, locks, CSRF,
/// bad input; then the planner's page in Chromium. Serialized: each test reads the versions the
/// one before it left.
@Suite(.serialized) struct PlanAPITests {
    init() { _ = PlanFixture.tokens }

    @Test func aValidMoveLandsAsANewVersionAndTheServedGridsFollowIt() throws {
        let m = try PlanFixture.move(in: PlanFixture.fulu, breaking: false)
        let before = try PlanFixture.currentVersion()
        let households = { (code: String) throws -> Int in
            Int(try #require(try PlanFixture.object(PlanFixture.get("/api/v1/grids/\(code)"))["properties"]?.objectValue?["households"]?.doubleValue))
        }
        let (fromBefore, toBefore) = (try households(m.from), try households(m.to))
        let r = PlanFixture.post("/api/v1/plan/edits", PlanFixture.moveBody(m, base: before), as: "fulu")
        #expect(r.status == 201, "\(r.text)")
        let answer = try PlanFixture.object(r)
        let version = try #require(answer["version"]?.objectValue)
        #expect(version["version"]?.doubleValue == Double(before + 1) && version["parent"]?.doubleValue == Double(before))
        #expect(version["author"]?.stringValue == "fulu" && version["action"]?.stringValue == "move")
        #expect(answer["blocks_moved"]?.arrayValue?.first?.objectValue?["id"]?.stringValue == m.block)
        #expect(try PlanFixture.currentVersion() == before + 1)
        // The served grids are the new plan's: the block's households left one grid for the other
        // (households are whole addresses placed by the one point rule, so the sums move exactly).
        let (fromAfter, toAfter) = (try households(m.from), try households(m.to))
        #expect(fromAfter == fromBefore - m.households && toAfter == toBefore + m.households, "\(m): \(fromBefore)→\(fromAfter), \(toBefore)→\(toAfter)")
        // Only the village was measured again, and that is the same as measuring everything.
        let served = PlanFixture.state.view.current
        let whole = try ServedPlan.of(try PlanFixture.state.plans.plan().1.grids, version: served.version,
                                      district: PlanFixture.state.district, layers: PlanFixture.state.layers)
        #expect(served.grids == whole.grids)
        #expect(served.reportJSON == whole.reportJSON)
        // The village's blocks say so, and grids.geojson / blocks.geojson on disk follow the store.
        let village = try PlanFixture.object(PlanFixture.get("/api/v1/plan/villages/\(m.village)", as: "fulu"))
        let block = village["blocks"]?.objectValue?["features"]?.arrayValue?.first { $0.objectValue?["id"]?.stringValue == m.block }
        #expect(block?.objectValue?["properties"]?.objectValue?["grid_code"]?.stringValue == m.to)
        let onDisk = try GeoJSONReader().readFeatureCollection(contentsOf: PlanFixture.data + "/blocks.geojson")
        #expect(onDisk.features.first { $0.id?.text == m.block }?.string("grid_code") == m.to)
        // The history and the diff name it; the audit log has who and what.
        let versions = try PlanFixture.object(PlanFixture.get("/api/v1/plan/versions", as: "fulu"))
        #expect(versions["versions"]?.arrayValue?.last?.objectValue?["version"]?.doubleValue == Double(before + 1))
        let diff = try PlanFixture.object(PlanFixture.get("/api/v1/plan/diff", ["to": "\(before + 1)"], as: "fulu"))
        #expect(diff["from"]?.doubleValue == Double(before) && diff["empty"] == .bool(false))
        #expect(diff["blocks_moved"]?.arrayValue == [.object(["id": .string(m.block), "from": .string(m.from), "to": .string(m.to)])])
        let audit = PlanFixture.get("/api/v1/audit").text
        #expect(audit.contains("\"plan_edit\"") && audit.contains("plan version \(before + 1)") && audit.contains("\"fulu\""), "\(audit.suffix(400))")
        // New cases and geocode answers follow the new plan: an address inside the moved block
        // (by an even–odd ring test here, not the server's locator) is placed in the new grid.
        let (_, plan) = try PlanFixture.state.plans.plan()
        let polygons = try #require(plan.blocks.features.first { Plan.blockID($0) == m.block }?.geometry?.polygons)
        func inside(_ x: Double, _ y: Double) -> Bool {
            var odd = false
            for ring in polygons.flatMap(\.rings) {
                for (a, b) in zip(ring, ring.dropFirst()) where (a.y > y) != (b.y > y) && x < a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x) { odd.toggle() }
            }
            return odd
        }
        let rows = try String(contentsOfFile: Fixture.boundaries + "/addresses/\(PlanFixture.fulu).csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        if m.households > 0, let row = rows.first(where: { $0.count >= 12 && $0[5] == m.village && inside(Double($0[1])!, Double($0[2])!) }) {
            let geocoded = try PlanFixture.object(PlanFixture.get("/api/v1/geocode", ["q": row[11]], as: "fulu"))
            #expect(geocoded["grid"]?.stringValue == m.to, "\(row[11]): \(geocoded)")
            let created = PlanFixture.post("/api/v1/cases", "{\"type\":\"problem\",\"lon\":\(row[1]),\"lat\":\(row[2])}", as: "fulu")
            let caseGrid = (try? JSONValue.parse(created.body))?.objectValue?["grid_code"]?.stringValue
            #expect(created.status == 201 && caseGrid == m.to, "\(created.text)")
        } else {
            Issue.record("no address inside \(m.block) (\(m.households) households)")
        }
        // Another township sees the same diff as nothing in its area.
        let foreign = try PlanFixture.object(PlanFixture.get("/api/v1/plan/diff", ["to": "\(before + 1)"], as: "tashui"))
        #expect(foreign["empty"] == .bool(true) && foreign["blocks_moved"]?.arrayValue == [])
    }

    @Test func aMoveThatBreaksAGridInTwoIsRefusedWithTheReasonAndChangesNothing() throws {
        let m = try PlanFixture.move(in: nil, breaking: true)
        let before = try PlanFixture.currentVersion()
        let disk = try Data(contentsOf: URL(fileURLWithPath: PlanFixture.data + "/grids.geojson"))
        let r = PlanFixture.post("/api/v1/plan/edits", PlanFixture.moveBody(m))
        #expect(r.status == 422, "\(r.text)")
        let reasons = try #require(try PlanFixture.object(r)["reasons"]?.arrayValue?.compactMap(\.stringValue))
        #expect(reasons.contains { $0.contains("\(m.from) would fall into") && $0.contains("pieces") }, "\(reasons)")
        #expect(try PlanFixture.currentVersion() == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: PlanFixture.data + "/grids.geojson")) == disk)
        // A block to a grid it does not touch: the neighbour rule, in words.
        let (_, plan) = try PlanFixture.state.plans.plan()
        let vb = try VillageBlocks.of(plan, village: m.village)
        let far = vb.ids.indices.first { n in vb.grid[n] != m.to && !vb.graph.neighbours(of: n).contains { vb.grid[$0] == m.to } && vb.nodes(of: vb.grid[n]).count > 1 }
        if let far {
            let r2 = PlanFixture.post("/api/v1/plan/edits", "{\"edits\":[{\"op\":\"move\",\"blocks\":[\"\(vb.ids[far])\"],\"to\":\"\(m.to)\"}]}")
            #expect(r2.status == 422 && r2.text.contains("no edge with \(m.to)"), "\(r2.text)")
        }
        #expect(try PlanFixture.currentVersion() == before)
    }

    @Test func aLockedGridRefusesMovesUntilUnlocked() throws {
        let m = try PlanFixture.move(in: PlanFixture.fulu, breaking: false)
        let before = try PlanFixture.currentVersion()
        let lock = PlanFixture.post("/api/v1/plan/edits", "{\"edits\":[{\"op\":\"lock\",\"grids\":[\"\(m.to)\"]}]}", as: "fulu")
        #expect(lock.status == 201 && lock.text.contains("\"action\":\"lock\""), "\(lock.text)")
        #expect(try PlanFixture.object(PlanFixture.get("/api/v1/plan"))["locks"]?.arrayValue == [.string(m.to)])
        let village = try PlanFixture.object(PlanFixture.get("/api/v1/plan/villages/\(m.village)", as: "fulu"))
        #expect(village["locks"]?.arrayValue == [.string(m.to)])
        let refused = PlanFixture.post("/api/v1/plan/edits", PlanFixture.moveBody(m), as: "fulu")
        #expect(refused.status == 422 && refused.text.contains("\(m.to) is locked"), "\(refused.text)")
        #expect(try PlanFixture.currentVersion() == before + 1)
        let again = PlanFixture.post("/api/v1/plan/edits", "{\"edits\":[{\"op\":\"lock\",\"grids\":[\"\(m.to)\"]}]}", as: "fulu")
        #expect(again.status == 422 && again.text.contains("already locked"), "\(again.text)")
        let unlock = PlanFixture.post("/api/v1/plan/edits", "{\"edits\":[{\"op\":\"unlock\",\"grids\":[\"\(m.to)\"]}]}", as: "fulu")
        #expect(unlock.status == 201, "\(unlock.text)")
        #expect(try PlanFixture.object(PlanFixture.get("/api/v1/plan"))["locks"]?.arrayValue == [])
    }

    @Test func aTownshipNeitherReadsNorEditsAnotherTownshipsPlan() throws {
        let m = try PlanFixture.move(in: PlanFixture.fulu, breaking: false)
        let before = try PlanFixture.currentVersion()
        let (_, plan) = try PlanFixture.state.plans.plan()
        let ownGrid = try #require(plan.grids.features.first { $0.string("township_code") == PlanFixture.tashui }.map(Plan.gridCode))
        let ownBlock = try #require(plan.blocks.features.first { $0.string("grid_code") == ownGrid }.map(Plan.blockID))
        // 踏水镇 asks about 福禄镇: every way in answers as if it did not exist.
        let asks: [(String, APIResponse)] = [
            ("village", PlanFixture.get("/api/v1/plan/villages/\(m.village)", as: "tashui")),
            ("move there", PlanFixture.post("/api/v1/plan/edits", PlanFixture.moveBody(m), as: "tashui")),
            ("its block here", PlanFixture.post("/api/v1/plan/edits", "{\"edits\":[{\"op\":\"move\",\"blocks\":[\"\(m.block)\"],\"to\":\"\(ownGrid)\"}]}", as: "tashui")),
            ("own block there", PlanFixture.post("/api/v1/plan/edits", "{\"edits\":[{\"op\":\"move\",\"blocks\":[\"\(ownBlock)\"],\"to\":\"\(m.to)\"}]}", as: "tashui")),
            ("lock", PlanFixture.post("/api/v1/plan/edits", "{\"edits\":[{\"op\":\"lock\",\"grids\":[\"\(m.to)\"]}]}", as: "tashui")),
            ("unknown village", PlanFixture.get("/api/v1/plan/villages/511111999999", as: "tashui")),
        ]
        for (what, r) in asks { #expect(r.status == 404, "\(what): \(r.status) \(r.text)") }
        // Its own village it reads (and could edit).
        #expect(PlanFixture.get("/api/v1/plan/villages/\(String(ownGrid.prefix(12)))", as: "tashui").status == 200)
        // A station reads its own village only and edits nothing; a grid worker has no plan routes.
        let station = PlanFixture.state.district.villages.first { $0.townshipCode == PlanFixture.fulu }!.code
        #expect(PlanFixture.get("/api/v1/plan/villages/\(station)", as: "station").status == 200)
        #expect(PlanFixture.get("/api/v1/plan/villages/\(String(ownGrid.prefix(12)))", as: "station").status == 404)
        #expect(PlanFixture.post("/api/v1/plan/edits", PlanFixture.moveBody(m), as: "station").status == 403)
        for path in ["/api/v1/plan", "/api/v1/plan/versions", "/api/v1/plan/villages/\(m.village)", "/api/v1/plan/diff"] {
            #expect(PlanFixture.get(path, as: "worker").status == 403, "\(path)")
        }
        #expect(PlanFixture.post("/api/v1/plan/edits", PlanFixture.moveBody(m), as: "worker").status == 403)
        #expect(try PlanFixture.currentVersion() == before)
    }

    /// Every role against every plan route, for a village of its own unit and one of another
    /// township (written out by hand from docs/API.md). The edit asks with a base version far
    /// ahead, so a permitted one is refused as stale (409) and nothing is recorded.
    @Test(arguments: ["qu", "fulu", "tashui", "station", "worker", "shuiwu"])
    func everyRoleAgainstEveryPlanRoute(_ name: String) throws {
        let (_, plan) = try PlanFixture.state.plans.plan()
        let station = PlanFixture.state.district.villages.first { $0.townshipCode == PlanFixture.fulu }!.code
        let other = try #require(PlanFixture.state.district.villages.first { $0.townshipCode == PlanFixture.tashui }?.code)
        // "own" is 福禄镇's first village (the station's), except for 踏水镇, whose own is its first village.
        func village(_ own: Bool) -> String { (name == "tashui") == own ? other : station }
        func edit(_ v: String) -> String {
            let grid = plan.grids.features.first { $0.string("village_code") == v }.map(Plan.gridCode) ?? ""
            let block = plan.blocks.features.first { $0.string("grid_code") == grid }.map(Plan.blockID) ?? ""
            return "{\"edits\":[{\"op\":\"move\",\"blocks\":[\"\(block)\"],\"to\":\"\(grid)\"}],\"base_version\":999999}"
        }
        let reader = ["qu", "fulu", "tashui", "station"].contains(name)
        let editor = ["qu", "fulu", "tashui"].contains(name)
        let seesOther = name == "qu"
        let expected: [(String, Int, Int)] = [
            ("plan", reader ? 200 : 403, reader ? 200 : 403),
            ("versions", reader ? 200 : 403, reader ? 200 : 403),
            ("diff", reader ? 200 : 403, reader ? 200 : 403),
            ("village", reader ? 200 : 403, !reader ? 403 : seesOther ? 200 : 404),
            ("edit", editor ? 409 : 403, !editor ? 403 : seesOther ? 409 : 404),
        ]
        let before = try PlanFixture.currentVersion()
        for (route, own, foreign) in expected {
            for (isOwn, status) in [(true, own), (false, foreign)] {
                let v = village(isOwn)
                let r: APIResponse
                switch route {
                case "plan": r = PlanFixture.get("/api/v1/plan", as: name)
                case "versions": r = PlanFixture.get("/api/v1/plan/versions", as: name)
                case "diff": r = PlanFixture.get("/api/v1/plan/diff", ["from": "1", "to": "1"], as: name)
                case "village": r = PlanFixture.get("/api/v1/plan/villages/\(v)", as: name)
                default: r = PlanFixture.post("/api/v1/plan/edits", edit(v), as: name)
                }
                #expect(r.status == status, "\(name) \(route) (\(isOwn ? "own" : "other") \(v)): \(r.status) \(r.text.prefix(200))")
            }
        }
        #expect(try PlanFixture.currentVersion() == before)
    }

    @Test func aCookieEditNeedsTheCSRFHeader() throws {
        let (token, csrf) = PlanFixture.login("fulu")
        let m = try PlanFixture.move(in: PlanFixture.fulu, breaking: false)
        let body = Array("{\"edits\":[{\"op\":\"lock\",\"grids\":[\"\(m.to)\"]}]}".utf8)
        let cookie = ["Cookie": "wangge_session=\(token)"]
        let before = try PlanFixture.currentVersion()
        let refused = PlanFixture.api.handle(APIRequest(method: "POST", path: "/api/v1/plan/edits", body: body, headers: cookie))
        #expect(refused.status == 403 && refused.text.contains("X-CSRF-Token"), "\(refused.text)")
        let forged = PlanFixture.api.handle(APIRequest(method: "POST", path: "/api/v1/plan/edits", body: body, headers: cookie.merging(["X-CSRF-Token": "forged"]) { a, _ in a }))
        #expect(forged.status == 403)
        #expect(try PlanFixture.currentVersion() == before)
        let lock = PlanFixture.api.handle(APIRequest(method: "POST", path: "/api/v1/plan/edits", body: body, headers: cookie.merging(["X-CSRF-Token": csrf]) { a, _ in a }))
        #expect(lock.status == 201, "\(lock.text)")
        #expect(PlanFixture.post("/api/v1/plan/edits", "{\"edits\":[{\"op\":\"unlock\",\"grids\":[\"\(m.to)\"]}]}", as: "fulu").status == 201)
    }

    @Test func badRequestsAreRefusedInWordsAndChangeNothing() throws {
        let m = try PlanFixture.move(in: PlanFixture.fulu, breaking: false)
        let before = try PlanFixture.currentVersion()
        let bodies: [(String, Int, String)] = [
            ("not json", 400, "not a JSON object"),
            ("{}", 400, "no non-empty"),
            ("{\"edits\":[]}", 400, "no non-empty"),
            ("{\"edits\":[{\"op\":\"paint\"}]}", 400, "not move, lock or unlock"),
            ("{\"edits\":[{\"op\":\"move\",\"blocks\":[1],\"to\":\"x\"}]}", 400, "block ids"),
            ("{\"edits\":[{\"op\":\"move\",\"blocks\":[\"\(m.block)\"]}]}", 400, "grid code"),
            ("{\"edits\":[{\"op\":\"lock\",\"grids\":[\"\(m.to)\"]},{\"op\":\"unlock\",\"grids\":[\"\(m.to)\"]}]}", 400, "request of its own"),
            (PlanFixture.moveBody(m, base: before + 5), 409, "changed since version \(before + 5)"),
            ("{\"edits\":[{\"op\":\"move\",\"blocks\":[\"<script>x</script>\"],\"to\":\"\(m.to)\"}]}", 404, "no block"),
            ("{\"edits\":[{\"op\":\"move\",\"blocks\":[\"\(m.block)\"],\"to\":\"' OR 1=1 --\"}]}", 404, "no grid"),
        ]
        for (body, status, words) in bodies {
            let r = PlanFixture.post("/api/v1/plan/edits", body)
            #expect(r.status == status && r.text.contains(words), "\(body): \(r.status) \(r.text)")
        }
        for (query, status) in [(["from": "abc"], 400), (["to": "0"], 400), (["to": "99999"], 404), (["from": "1", "to": "1"], 200)] {
            #expect(PlanFixture.get("/api/v1/plan/diff", query).status == status, "\(query)")
        }
        #expect(PlanFixture.api.handle(APIRequest(method: "DELETE", path: "/api/v1/plan", headers: ["Authorization": "Bearer \(PlanFixture.tokens["qu"]!)"])).status == 405)
        #expect(PlanFixture.get("/api/v1/plan/edits").status == 405)
        #expect(PlanFixture.get("/api/v1/plan/nothing").status == 404)
        #expect(try PlanFixture.currentVersion() == before)
    }

    /// The planner's page in Chromium: log in, open a village of 福禄镇, pick the neighbouring
    /// grid as the brush, paint one block into it and see both grids' households change, undo,
    /// redo, save — the new version is in the history with its diff — and a screenshot that is
    /// the map, not a blank page.
    @Test func thePlannerPaintsABlockUndoesRedoesAndSaves() async throws {
        let m = try PlanFixture.move(in: PlanFixture.fulu, breaking: false)
        let before = try PlanFixture.currentVersion()
        let outcome = try await withLiveServer(api: PlanFixture.api) { port -> [String: String] in
            var out: [String: String] = [:]
            let b = try BrowserSession()
            try b.openPage()
            try b.setViewport(width: 1280, height: 900)
            try b.navigate("http://127.0.0.1:\(port)/plan")
            guard try b.waitFor("!document.getElementById('login').hidden") else { out["error"] = "no login form"; return out }
            try PagesBrowserTests.logIn(b, as: "fulu")
            guard try b.waitFor("!document.getElementById('pick').hidden && document.getElementById('status').dataset.state === 'ready'") else { out["error"] = "no village loaded"; return out }
            _ = try b.evaluate("planner.open('\(m.village)'); true")
            guard try b.waitFor("document.getElementById('status').dataset.state === 'ready' && document.querySelector('#grids tr[data-code=\"\(m.to)\"]') !== null") else { out["error"] = "village \(m.village) not shown"; return out }
            func cell(_ grid: String, _ name: String) throws -> String {
                try b.evaluate("document.querySelector('#grids tr[data-code=\"\(grid)\"] td.\(name)').textContent").stringValue ?? ""
            }
            out["to0"] = try cell(m.to, "households"); out["from0"] = try cell(m.from, "households")
            out["toHours0"] = try cell(m.to, "hours")
            // The brush: the neighbouring grid; then a click-drag on the block.
            _ = try b.evaluate("document.querySelector('#grids tr[data-code=\"\(m.to)\"]').click(); true")
            _ = try b.evaluate("""
                var p = document.querySelector('path.block[data-id="\(m.block)"]');
                p.dispatchEvent(new MouseEvent('mousedown', {bubbles: true, buttons: 1}));
                document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true})); true
                """)
            out["painted"] = try b.evaluate("document.querySelector('path.block[data-id=\"\(m.block)\"]').dataset.grid").stringValue ?? ""
            out["to1"] = try cell(m.to, "households"); out["from1"] = try cell(m.from, "households")
            out["toHours1"] = try cell(m.to, "hours")
            out["balance"] = try b.evaluate("document.getElementById('balance').textContent").stringValue ?? ""
            _ = try b.evaluate("document.getElementById('undo').click(); true")
            out["undone"] = try cell(m.to, "households")
            out["undoneGrid"] = try b.evaluate("document.querySelector('path.block[data-id=\"\(m.block)\"]').dataset.grid").stringValue ?? ""
            _ = try b.evaluate("document.getElementById('redo').click(); true")
            out["redone"] = try cell(m.to, "households")
            _ = try b.evaluate("document.getElementById('message').value = '试画一块'; document.getElementById('save').click(); true")
            guard try b.waitFor("document.getElementById('status').dataset.state === 'saved' || document.getElementById('status').dataset.state === 'refused'") else { out["error"] = "no answer to save"; return out }
            out["saved"] = try b.evaluate("document.getElementById('status').dataset.state + ' ' + document.getElementById('status').textContent").stringValue ?? ""
            _ = try b.waitFor("document.querySelector('#history li[data-version=\"\(before + 1)\"]') !== null")
            out["history"] = try b.evaluate("String((document.querySelector('#history li[data-version=\"\(before + 1)\"]') || {}).textContent)").stringValue ?? ""
            _ = try b.waitFor("document.getElementById('diff').dataset.ready === 'true'")
            out["diff"] = try b.evaluate("document.getElementById('diff').textContent").stringValue ?? ""
            out["afterSave"] = try cell(m.to, "households")
            let png = try b.screenshot()
            // Kept beside the plan's data, to look at when this test fails.
            FileManager.default.createFile(atPath: PlanFixture.data + "/planner.png", contents: Data(png))
            let image = try RGBAImage(png: png)
            out["size"] = "\(image.width)x\(image.height)"
            let histogram = image.histogram()
            let white = (histogram[0xFFFFFF] ?? 0) + (histogram[0xFBFAF6] ?? 0)
            out["coloured"] = "\(Double(image.pixels.count - white) / Double(max(1, image.pixels.count)))"
            out["colours"] = "\(histogram.filter { $0.value >= 200 }.count)"
            return out
        }
        #expect(outcome["error"] == nil, "\(outcome)")
        let to0 = Int(outcome["to0"] ?? "") ?? -1, from0 = Int(outcome["from0"] ?? "") ?? -1
        #expect(outcome["painted"] == m.to, "\(outcome)")
        #expect(Int(outcome["to1"] ?? "") == to0 + m.households && Int(outcome["from1"] ?? "") == from0 - m.households, "\(m) \(outcome)")
        #expect(outcome["toHours1"] != outcome["toHours0"] || m.households == 0, "\(outcome)")
        #expect(outcome["balance"]?.contains("村均") == true, "\(outcome)")
        #expect(Int(outcome["undone"] ?? "") == to0 && outcome["undoneGrid"] == m.from, "\(outcome)")
        #expect(Int(outcome["redone"] ?? "") == to0 + m.households, "\(outcome)")
        #expect(outcome["saved"]?.hasPrefix("saved") == true && outcome["saved"]?.contains("版本 \(before + 1)") == true, "\(outcome)")
        #expect(outcome["history"]?.contains("v\(before + 1)") == true && outcome["history"]?.contains("fulu") == true
                && outcome["history"]?.contains("试画一块") == true, "\(outcome)")
        #expect(outcome["diff"]?.contains(m.block) == true, "\(outcome)")
        #expect(Int(outcome["afterSave"] ?? "") == to0 + m.households, "\(outcome)")
        #expect(try PlanFixture.currentVersion() == before + 1)
        // Not blank: the map's blocks cover a good part of the window, in several grid colours.
        #expect(outcome["size"] == "1280x900", "\(outcome)")
        #expect((Double(outcome["coloured"] ?? "") ?? 0) > 0.15 && (Int(outcome["colours"] ?? "") ?? 0) >= 3, "\(outcome)")
    }

    @Test func thePageIsSelfContainedAndPublic() {
        let page = PlanFixture.api.handle(APIRequest(method: "GET", path: "/plan"))
        #expect(page.status == 200 && page.contentType.hasPrefix("text/html"))
        #expect(!page.text.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"), "the page loads something from elsewhere")
        #expect(page.text.contains("id=\"login\"") && page.text.contains("费林湾村"))
    }
}
