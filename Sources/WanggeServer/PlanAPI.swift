// The plan routes of the API: the current version and the history, one village's blocks with
// their grids and balance (what the planner's page paints), edits — block moves, locks — through
// the same PlanBook/PlanEditor checks as `wangge plan move|lock|unlock`, and the diff of two
// versions. Scope: district and township accounts edit inside their unit, village accounts read
// theirs, grid workers and departments have no plan routes; a village or grid outside the unit
// answers as one that does not exist.
import Foundation
import WanggeAccounts
import WanggeCaseDesk
import WanggeDistrict
import WanggeGeoJSON
import WanggeIO
import WanggePlans
import WanggeStore

/// The plan store behind the server, and what the plan routes keep between requests: decoded
/// versions (a plan is immutable once recorded, so these never go stale) and computed diffs.
public final class PlanDesk: @unchecked Sendable {
    public let book: PlanBook
    /// Where grids.geojson and blocks.geojson are written after each edit (a restart serves them).
    let data: String
    /// Each grid within this fraction of its village's mean hours is balanced (as `plan rebalance`).
    public static let tolerance = 0.10
    /// Edits one at a time: each is read–check–record against the current version.
    let editLock = NSLock()
    private let lock = NSLock()
    private var plans: [Int64: (PlanVersionRecord, Plan)] = [:]
    private var diffs: [String: PlanDiff] = [:]
    private var html: [UInt8]?

    init(book: PlanBook, data: String) {
        self.book = book
        self.data = data
    }

    /// A version's record and plan (nil: the current one), decoded once.
    func plan(_ version: Int64? = nil) throws -> (PlanVersionRecord, Plan) {
        let v = try version ?? book.store.current().version
        if let p = lock.withLock({ plans[v] }) { return p }
        let (record, plan) = try book.plan(v)
        lock.withLock {
            // A decoded plan holds every block's geometry: keep few (the page asks for the current one and a diff's two).
            if plans.count >= 4 { plans.removeAll() }
            plans[v] = (record, plan)
        }
        return (record, plan)
    }

    /// The diff from version `a` to `b`, computed once.
    func diff(_ a: Int64, _ b: Int64, boundaries: DistrictBoundaries, layers: DistrictLayers) throws -> PlanDiff {
        let key = "\(a)→\(b)"
        if let d = lock.withLock({ diffs[key] }) { return d }
        let d = try PlanDiff.compute(try plan(a).1, try plan(b).1, boundaries: boundaries, layers: layers)
        lock.withLock {
            if diffs.count >= 64 { diffs.removeAll() }
            diffs[key] = d
        }
        return d
    }

    /// The planner's page with the district's townships and villages in it (public names, as on
    /// the public map; what an account may open is the API's to decide).
    func page(_ district: DistrictBoundaries) -> [UInt8] {
        lock.withLock {
            if let html { return html }
            let made = Array(PlanPage.html(district).utf8)
            html = made
            return made
        }
    }
}

extension API {
    /// /api/v1/plan…; nil when the path is not a plan route.
    func handlePlan(_ request: APIRequest, _ api: [String], _ caller: Caller) -> APIResponse? {
        guard api.first == "plan" else { return nil }
        let route: String
        switch (api.count, api.count > 1 ? api[1] : "") {
        case (1, _): route = "plan"
        case (2, "versions"): route = "versions"
        case (2, "edits"): route = "edits"
        case (2, "diff"): route = "diff"
        case (3, "villages"): route = "village"
        default: return .error(404, "no such endpoint: \(request.path) (see /api/v1/openapi.yaml)")
        }
        let method = route == "edits" ? "POST" : "GET"
        guard request.method == method else { return .error(405, "\(request.method) is not allowed on \(request.path); use \(method)") }
        switch caller.account.role {
        case .district, .township, .village: break
        case .grid, .department: return .error(403, "the plan is for district, township and village accounts")
        }
        do {
            switch route {
            case "plan": return try currentPlan()
            case "versions": return try planVersions()
            case "village": return try planVillage(api[2], caller)
            case "diff": return try planDiff(request.query, caller)
            default: return planEdits(request.body, caller)
            }
        } catch let e as PlanError {
            return .error(e.kind == .badArgument ? 409 : 503, "the plan store: \(e.message)")
        } catch {
            return .error(503, "the plan store cannot be read: \(error)")
        }
    }

    static func versionJSON(_ r: PlanVersionRecord) -> JSONValue {
        .object(["version": .number(JSONNumber(Int(r.version))), "parent": r.parent.map { .number(JSONNumber(Int($0))) } ?? .null,
                 "author": .string(r.author), "time": .string(r.created), "action": .string(r.action), "message": .string(r.message),
                 "grids": .number(JSONNumber(r.grids)), "blocks": .number(JSONNumber(r.blocks))])
    }

    /// GET /api/v1/plan: the current version and the locked grids.
    func currentPlan() throws -> APIResponse {
        let current = try state.plans.book.store.current()
        let locks = try state.plans.book.locks().map(\.gridCode).sorted()
        return .json(.object(["version": Self.versionJSON(current), "locks": .array(locks.map(JSONValue.string))]))
    }

    /// GET /api/v1/plan/versions: every version, oldest first.
    func planVersions() throws -> APIResponse {
        let all = try state.plans.book.log()
        return .json(.object(["current": .number(JSONNumber(Int(all.last?.version ?? 0))), "versions": .array(all.map(Self.versionJSON))]))
    }

    /// Whether village `code` is inside the caller's unit (district: all; township: its villages;
    /// village: itself).
    func plansVillage(_ code: String, for caller: Caller) -> Bool {
        guard let village = state.district.villages.first(where: { $0.code == code }) else { return false }
        switch caller.account.role {
        case .district: return true
        case .township: return village.townshipCode == caller.account.unit
        case .village: return village.code == caller.account.unit
        case .grid, .department: return false
        }
    }

    /// GET /api/v1/plan/villages/{code}: the village's blocks (GeoJSON: id, grid, households,
    /// hours, neighbouring blocks), its grids with their figures and whether each is within
    /// ±tolerance of the village's mean, and the locked grids. The balance is on the blocks'
    /// hours (the partition's measure, which the page re-adds as blocks are painted); each grid
    /// also carries its hours as the workload report computes them.
    func planVillage(_ code: String, _ caller: Caller) throws -> APIResponse {
        guard plansVillage(code, for: caller), let village = state.district.villages.first(where: { $0.code == code }) else {
            return .error(404, "no village or community \(code) in \(state.district.name)")
        }
        let (record, plan) = try state.plans.plan()
        let vb = try VillageBlocks.of(plan, village: code)
        let locked = Set(try state.plans.book.locks().map(\.gridCode))
        let served = state.view.current
        var hours: [String: Double] = [:], households: [String: Int] = [:], count: [String: Int] = [:]
        var blockFeatures: [Feature] = []
        for (n, id) in vb.ids.enumerated() {
            let f = plan.blocks.features[vb.featureIndex[n]]
            let h = f.double("workload") ?? 0, hh = Int(f.double("households") ?? 0)
            hours[vb.grid[n], default: 0] += h
            households[vb.grid[n], default: 0] += hh
            count[vb.grid[n], default: 0] += 1
            let neighbours = vb.graph.neighbours(of: n).map { vb.ids[$0] }.sorted()
            blockFeatures.append(Feature(id: .string(id), properties: [
                "id": .string(id), "grid_code": .string(vb.grid[n]), "households": .number(JSONNumber(hh)),
                "hours": .number(JSONNumber((h * 100).rounded() / 100)), "neighbours": .array(neighbours.map(JSONValue.string)),
            ], geometry: f.geometry))
        }
        let codes = vb.gridCodes
        let mean = codes.isEmpty ? 0 : codes.reduce(0) { $0 + (hours[$1] ?? 0) } / Double(codes.count)
        let names = Dictionary(plan.grids.features.map { (Plan.gridCode($0), $0.string("name") ?? Plan.gridCode($0)) }, uniquingKeysWith: { a, _ in a })
        let grids: [JSONValue] = codes.map { g in
            let h = hours[g] ?? 0
            let deviation = mean > 0 ? (h - mean) / mean : 0
            let report = served.gridIndex[g].map { served.grids[$0] }
            return .object([
                "code": .string(g), "name": .string(names[g] ?? g), "blocks": .number(JSONNumber(count[g] ?? 0)),
                "households": .number(JSONNumber(households[g] ?? 0)), "hours": .number(JSONNumber((h * 100).rounded() / 100)),
                "deviation": .number(JSONNumber((deviation * 10_000).rounded() / 10_000)),
                "within_tolerance": .bool(abs(deviation) <= PlanDesk.tolerance + 1e-9), "locked": .bool(locked.contains(g)),
                "report_hours": report?.double("workload").map { .number(JSONNumber($0)) } ?? .null,
                "residents": report?.double("residents").map { .number(JSONNumber($0)) } ?? .null,
            ])
        }
        let blocksText = String(decoding: try GeoJSONWriter(options: .init(decimals: 7)).encode(FeatureCollection(features: blockFeatures)), as: UTF8.self)
        let head: JSONValue = .object([
            "version": .number(JSONNumber(Int(record.version))),
            "village": .object(["code": .string(village.code), "name": .string(village.name), "township_code": .string(village.townshipCode),
                                "township": .string(village.township), "mean_hours": .number(JSONNumber((mean * 100).rounded() / 100)),
                                "tolerance": .number(JSONNumber(PlanDesk.tolerance))]),
            "grids": .array(grids),
            "locks": .array(codes.filter(locked.contains).map(JSONValue.string)),
            "editable": .bool(caller.account.role == .district || caller.account.role == .township),
        ])
        // The head's JSON with the blocks' FeatureCollection as its last member.
        var text = head.jsonText
        text.removeLast()
        return .jsonText(text + ",\"blocks\":" + blocksText + "}\n")
    }

    /// GET /api/v1/plan/diff?from=V&to=W: what changed from V to W (W: the current version; V:
    /// W's parent), cut to the caller's unit.
    func planDiff(_ query: [String: String], _ caller: Caller) throws -> APIResponse {
        func version(_ key: String) -> Result<Int64?, APIFailure> {
            guard let text = query[key] else { return .success(nil) }
            guard let v = Int64(text), v >= 1 else { return .failure(APIFailure(response: .error(400, "\(key) must be a version number (1 or more), not \"\(text.prefix(40))\""))) }
            return .success(v)
        }
        let from: Int64?, to: Int64?
        switch version("from") { case .success(let v): from = v; case .failure(let f): return f.response }
        switch version("to") { case .success(let v): to = v; case .failure(let f): return f.response }
        let all = try state.plans.book.log()
        guard let last = all.last else { return .error(404, "the plan store has no version") }
        let b = to ?? last.version
        guard let after = all.first(where: { $0.version == b }) else { return .error(404, "no version \(b) (the newest is \(last.version))") }
        guard let a = from ?? after.parent else { return .error(400, "version \(b) is the first: give from=V to compare it with") }
        guard all.contains(where: { $0.version == a }) else { return .error(404, "no version \(a) (the newest is \(last.version))") }
        let d = try state.plans.diff(a, b, boundaries: state.district, layers: state.layers)
        return .jsonText(scopedDiffJSON(d, from: a, to: b, caller))
    }

    /// The diff as JSON, keeping only grids, blocks, address flows and villages inside the
    /// caller's unit (codes nest: a grid code begins with its village's, a village's with its
    /// township's).
    func scopedDiffJSON(_ d: PlanDiff, from: Int64, to: Int64, _ caller: Caller) -> String {
        let prefix = caller.account.role == .district ? "" : (caller.account.unit ?? "\u{0}")
        func mine(_ code: String) -> Bool { code.hasPrefix(prefix) }
        func q(_ s: String) -> String { JSONText.quoted(s) }
        func n(_ x: Double) -> String { JSONNumber((x * 100).rounded() / 100).text }
        let added = d.added.filter(mine), removed = d.removed.filter(mine), changed = d.changed.filter { mine($0.code) }
        let blocks = d.blocksMoved.filter { mine($0.from) || mine($0.to) }
        let flows = d.flows.filter { mine($0.from) || mine($0.to) }
        let villages = d.villages.filter { mine($0.code) }
        let empty = added.isEmpty && removed.isEmpty && changed.isEmpty && blocks.isEmpty && flows.isEmpty && villages.isEmpty
        var s = "{\"from\":\(from),\"to\":\(to),\"empty\":\(empty)"
        s += ",\"grids_added\":[" + added.map(q).joined(separator: ",") + "]"
        s += ",\"grids_removed\":[" + removed.map(q).joined(separator: ",") + "]"
        s += ",\"grids_changed\":[" + changed.map { "{\"code\":\(q($0.code)),\"area_before_m2\":\(n($0.areaBefore)),\"area_after_m2\":\(n($0.areaAfter))}" }.joined(separator: ",") + "]"
        s += ",\"blocks_moved\":[" + blocks.map { "{\"id\":\(q($0.id)),\"from\":\(q($0.from)),\"to\":\(q($0.to))}" }.joined(separator: ",") + "]"
        s += ",\"addresses_moved\":\(flows.reduce(0) { $0 + $1.addresses }),\"households_moved\":\(flows.reduce(0) { $0 + $1.households })"
            + ",\"incidents_moved\":\(flows.reduce(0) { $0 + $1.incidents })"
        s += ",\"villages\":[" + villages.map { "{\"code\":\(q($0.code)),\"name\":\(q($0.name)),\"grids_before\":\($0.gridsBefore),\"grids_after\":\($0.gridsAfter),\"hours_before\":\(n($0.hoursBefore)),\"hours_after\":\(n($0.hoursAfter))}" }.joined(separator: ",") + "]"
        return s + "}\n"
    }

    /// One edit of the body, read.
    enum PlanEditRequest {
        case move(blocks: [String], to: String)
        case lock([String], locked: Bool)
    }

    /// The body of POST /api/v1/plan/edits, read and checked for shape (not yet for sense).
    static func readEdits(_ body: [UInt8]) -> Result<(edits: [PlanEditRequest], message: String, base: Int64?), APIFailure> {
        func bad(_ why: String) -> Result<(edits: [PlanEditRequest], message: String, base: Int64?), APIFailure> {
            .failure(APIFailure(response: .error(400, why + "; send {\"edits\": [{\"op\": \"move\", \"blocks\": [\"BLOCK\", …], \"to\": \"GRID\"}, …], \"message\": \"…\", \"base_version\": N}, or one {\"op\": \"lock\"|\"unlock\", \"grids\": [\"GRID\", …]}")))
        }
        let o: JSONObject
        switch bodyObject(body) { case .success(let v): o = v; case .failure(let f): return .failure(f) }
        guard case .array(let items)? = o["edits"], !items.isEmpty else { return bad("the body has no non-empty \"edits\" array") }
        guard items.count <= 1000 else { return .failure(APIFailure(response: .error(413, "\(items.count) edits in one request; send at most 1000"))) }
        var edits: [PlanEditRequest] = []
        func strings(_ v: JSONValue?, _ what: String, _ i: Int) -> [String]? {
            guard case .array(let xs)? = v, !xs.isEmpty, xs.count <= 10_000 else { return nil }
            let s = xs.compactMap(\.stringValue)
            return s.count == xs.count && s.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 64 }) ? s : nil
        }
        for (i, item) in items.enumerated() {
            guard let e = item.objectValue, let op = e["op"]?.stringValue else { return bad("edits[\(i)] is not an object with an \"op\"") }
            switch op {
            case "move":
                guard let blocks = strings(e["blocks"], "blocks", i) else { return bad("edits[\(i)]: \"blocks\" must be a non-empty array of block ids") }
                guard let to = e["to"]?.stringValue, !to.isEmpty, to.utf8.count <= 64 else { return bad("edits[\(i)]: \"to\" must be a grid code") }
                edits.append(.move(blocks: blocks, to: to))
            case "lock", "unlock":
                guard let grids = strings(e["grids"], "grids", i) else { return bad("edits[\(i)]: \"grids\" must be a non-empty array of grid codes") }
                edits.append(.lock(grids, locked: op == "lock"))
            default:
                return bad("edits[\(i)]: op \"\(op.prefix(40))\" is not move, lock or unlock")
            }
        }
        let locks = edits.filter { if case .lock = $0 { true } else { false } }.count
        if locks > 0 && edits.count > 1 {
            return bad("a lock or unlock is a request of its own (one version each), not mixed with other edits")
        }
        var message = ""
        if let m = o["message"] {
            guard let text = m.stringValue, text.utf8.count <= 500 else { return bad("\"message\" must be text of at most 500 bytes") }
            message = text
        }
        var base: Int64?
        if let b = o["base_version"], b != .null {
            guard let v = b.doubleValue, v >= 1, v == v.rounded(), v < 1e15 else { return bad("\"base_version\" must be a version number") }
            base = Int64(v)
        }
        return .success((edits, message, base))
    }

    /// POST /api/v1/plan/edits: moves (recorded together as one version) or one lock/unlock,
    /// by a district or township account inside its unit; the new version (201), or 422 with
    /// every reason when a check refuses it (nothing recorded).
    func planEdits(_ body: [UInt8], _ caller: Caller) -> APIResponse {
        guard caller.account.role == .district || caller.account.role == .township else {
            return .error(403, "the plan is edited by district and township accounts")
        }
        let edits: [PlanEditRequest], message: String, base: Int64?
        switch Self.readEdits(body) { case .success(let r): (edits, message, base) = r; case .failure(let f): return f.response }
        return state.plans.editLock.withLock {
            do {
                let (current, plan) = try state.plans.plan()
                // Scope first: a grid or block outside the caller's unit answers as one that does not exist.
                let gridVillage = Dictionary(plan.grids.features.map { (Plan.gridCode($0), $0.string("village_code") ?? "") }, uniquingKeysWith: { a, _ in a })
                let blockVillage = Dictionary(plan.blocks.features.map { (Plan.blockID($0), $0.string("village_code") ?? "") }, uniquingKeysWith: { a, _ in a })
                for edit in edits {
                    switch edit {
                    case let .move(blocks, to):
                        guard let v = gridVillage[to], plansVillage(v, for: caller) else { return .error(404, "no grid \(to) in the current plan") }
                        for b in blocks.sorted() {
                            guard let v = blockVillage[b], plansVillage(v, for: caller) else { return .error(404, "no block \(b) in the current plan") }
                        }
                    case .lock(let grids, _):
                        for g in grids.sorted() {
                            guard let v = gridVillage[g], plansVillage(v, for: caller) else { return .error(404, "no grid \(g) in the current plan") }
                        }
                    }
                }
                if let base, base != current.version {
                    return .error(409, "the plan changed since version \(base): it is at version \(current.version) (\(current.action) by \(current.author): \(current.message)); reload and edit again")
                }
                let stamp = PlanStamp(author: caller.account.name, time: UTCTime.iso8601(clock()), message: message)
                let after: PlanVersionRecord
                var moved: [(id: String, from: String, to: String)] = []
                var changed: [String] = []
                if case let .lock(grids, locked)? = edits.first {
                    after = try state.plans.book.setLocked(grids, locked: locked, stamp: stamp)
                    var served = state.view.current
                    served.version = after.version
                    state.view.replace(served)
                } else {
                    let steps = edits.compactMap { e -> (blocks: [String], to: String)? in if case let .move(b, t) = e { (b, t) } else { nil } }
                    let r = try state.plans.book.move(steps, boundaries: state.district, layers: state.layers, stamp: stamp)
                    after = r.after
                    moved = r.outcome.blocksMoved.sorted { $0.id < $1.id }
                    changed = (r.outcome.added + r.outcome.changed).sorted()
                    // The store is the truth; grids.geojson follows it, and so do the served grids.
                    try state.plans.book.export(after.version, to: state.plans.data)
                    let villages = Set((r.outcome.added + r.outcome.changed + r.outcome.removed).compactMap { gridVillage[$0] })
                    // Served as the store keeps it (and a restart reads it): decoded, not the editor's value.
                    let (_, stored) = try state.plans.plan(after.version)
                    let served = try state.view.current.after(editOf: villages, grids: stored.grids, version: after.version,
                                                              district: state.district, layers: state.layers)
                    state.view.replace(served)
                    state.cases?.placing(in: CaseGrids(path: state.gridsFile, collection: stored.grids, locator: served.locator))
                }
                if let failure = audit(caller, .planEdit, target: "plan version \(after.version)", detail: "\(after.action): \(after.message)") {
                    return .error(500, "version \(after.version) was recorded, but its audit line could not be written: \(failure)")
                }
                let answer: JSONValue = .object([
                    "version": Self.versionJSON(after),
                    "grids_changed": .array(changed.map(JSONValue.string)),
                    "blocks_moved": .array(moved.map { .object(["id": .string($0.id), "from": .string($0.from), "to": .string($0.to)]) }),
                ])
                return .json(answer, status: 201)
            } catch let refused as PlanEditRefused {
                return .json(.object(["error": .string("refused: \(refused.edit); nothing was recorded: " + refused.reasons.joined(separator: "; ")),
                                      "reasons": .array(refused.reasons.map(JSONValue.string))]), status: 422)
            } catch let e as PlanError {
                // A village without blocks: the plan was made from a grid file alone.
                return .error(e.kind == .badArgument ? 409 : 503, "the plan store: \(e.message)")
            } catch {
                return .error(503, "the plan store could not record the edit: \(error)")
            }
        }
    }
}
