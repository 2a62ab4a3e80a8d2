// The case routes of the API: register a case from an address or a point (located and given its
// grid on the way in, as `wangge case add`), list and filter, show with its history, every step of
// the ladder, and the lights report — over the same case store and ladder as the CLI.
import Foundation
import WanggeAccounts
import WanggeCaseDesk
import WanggeCases
import WanggeCRS
import WanggeGeoJSON
import WanggeStore

/// What the case routes need: the store, the intake (grids + matcher), the ladder, the clock.
public struct CaseService: Sendable {
    public let store: any CaseStoring
    /// The intake over the current plan's grids: replaced when an edit lands, so a case is placed
    /// in the grid it is in now.
    public var intake: CaseIntake { intakeBox.current }
    public let ladder: CaseLadder
    /// The clock (injectable for tests).
    public var now: @Sendable () -> CaseTime = { CaseTime(seconds: Int64(Date().timeIntervalSince1970)) }
    /// New cases arriving together share one transaction (group commit).
    let batcher: CaseBatcher

    let intakeBox: Replaceable<CaseIntake>

    public init(store: any CaseStoring, intake: CaseIntake, ladder: CaseLadder) {
        self.store = store; self.ladder = ladder
        intakeBox = Replaceable(intake)
        batcher = CaseBatcher(store: store, ladder: ladder)
    }

    /// Places new cases in `grids` from now on (the same address matcher).
    func placing(in grids: CaseGrids) {
        let old = intakeBox.current
        intakeBox.replace(CaseIntake(grids: grids, matcher: old.matcher))
    }
}


extension API {
    /// /api/v1/cases…; nil when the path is not a case route.
    /// Every answer is cut to the caller's scope (`CaseRights`): a case it does not see is
    /// answered exactly as one that does not exist.
    func handleCases(_ request: APIRequest, _ api: [String], _ caller: Caller) -> APIResponse? {
        guard api.first == "cases", let cases = state.cases else { return nil }
        let margin = cases.ladder.deadlines.yellowMarginSeconds
        switch (request.method, api.count) {
        case ("POST", 1):
            return createCase(request.body, cases, caller)
        case ("GET", 1):
            return listCases(request.query, cases, caller)
        case ("GET", 2) where api[1] == "report":
            return caseError {
                .jsonText(try cases.store.report(now: cases.now(), marginSeconds: margin, scope: caller.actor, openOnly: request.query["open"] == "true").json)
            }
        case ("GET", 2):
            return caseError {
                let now = cases.now()
                guard let c = try cases.store.record(api[1]), CaseRights.sees(caller.actor, c) else { throw CaseError.noSuchCase(api[1]) }
                let history = try cases.store.history(api[1]).map(\.json).joined(separator: ",")
                return .jsonText("{\"case\":\(c.json(now: now, marginSeconds: margin)),\"history\":[\(history)]}\n")
            }
        case ("POST", 3):
            guard let action = CaseAction(rawValue: api[2]), action != .report else {
                return .error(404, "no action \(api[2]): use one of " + CaseAction.allCases.filter { $0 != .report }.map(\.rawValue).joined(separator: ", "))
            }
            return transition(action, caseID: api[1], request.body, cases, caller)
        default:
            return .error(405, "\(request.method) is not allowed on \(request.path)")
        }
    }

    /// The body as a JSON object ({} when empty).
    static func bodyObject(_ body: [UInt8]) -> Result<JSONObject, APIFailure> {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .success(JSONObject()) }
        guard let value = try? JSONValue.parse(body), let object = value.objectValue else {
            return .failure(APIFailure(response: .error(400, "the body is not a JSON object")))
        }
        return .success(object)
    }

    /// Runs a case-store step; its errors become answers that say why.
    func caseError(_ work: () throws -> APIResponse) -> APIResponse {
        do { return try work() } catch let e as CaseError {
            let status: Int
            switch e.kind {
            case .illegalTransition, .duplicateCase: status = 409
            case .unknownCase: status = 404
            case .forbidden: status = 403
            case .location: status = 422
            case .badArgument, .unknownType, .badRecord: status = 400
            case .badConfig, .store: status = 500
            }
            return .json(.object(["error": .string(e.message), "kind": .string(e.kind.rawValue)]), status: status)
        } catch {
            return .error(500, "\(error)")
        }
    }

    /// POST /api/v1/cases: {"type", "category", "description", "address" | "lon"+"lat"(+"crs"), "pick", "village", "note"}.
    /// The actor is the caller's account; the case must fall inside its unit (a department registers none).
    func createCase(_ body: [UInt8], _ cases: CaseService, _ caller: Caller) -> APIResponse {
        guard CaseRights.levels(allowedTo: .report, at: .grid).contains(caller.actor.level) else {
            return .error(403, "a department account does not register cases; the desk, station, township or district does")
        }
        let o: JSONObject
        switch Self.bodyObject(body) { case .success(let v): o = v; case .failure(let f): return f.response }
        if let named = o["actor"]?.stringValue, named != caller.account.name {
            return .error(400, "the actor is the account logged in (\(caller.account.name)); leave \"actor\" out")
        }
        guard let typeText = o["type"]?.stringValue else {
            return .error(400, "the case needs a \"type\": one of " + CaseType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let type = CaseType(rawValue: typeText) else {
            return .error(400, "type \"\(typeText)\" is not one of " + CaseType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let address = o["address"]?.stringValue
        let lon = o["lon"]?.doubleValue, lat = o["lat"]?.doubleValue
        if (lon == nil) != (lat == nil) { return .error(400, "give both \"lon\" and \"lat\"") }
        if address == nil && lon == nil { return .error(400, "give an \"address\" or \"lon\" and \"lat\"") }
        return caseError {
            let placed: PlacedCase = try projLock.withLock {
                if let lon, let lat {
                    let crs: CRS
                    do { crs = try CRS(parsing: o["crs"]?.stringValue ?? "wgs84") } catch {
                        throw CaseError(.badArgument, "crs \"\(o["crs"]?.stringValue ?? "")\": \(error)")
                    }
                    return try cases.intake.locate(x: lon, y: lat, crs: crs, address: address)
                }
                return try cases.intake.locate(address: address ?? "", pick: o["pick"]?.intValue, village: o["village"]?.stringValue)
            }
            let now = cases.now(), p = placed.placement
            guard CaseRights.covers(caller.actor, township: p.townshipCode, village: p.villageCode, grid: p.gridCode) else {
                throw CaseError(.forbidden, "the place is in grid \(p.gridCode ?? "-") (village \(p.villageCode ?? "-")), outside \(caller.account.name)'s unit \(caller.account.unit ?? "-"); the desk of that unit registers it")
            }
            let record = CaseRecord(id: "", type: type, category: o["category"]?.stringValue ?? "", description: o["description"]?.stringValue ?? "",
                                    location: placed.location, townshipCode: p.townshipCode, villageCode: p.villageCode, gridCode: p.gridCode,
                                    gridWorker: p.gridWorker, deadline: now, reportedAt: now, source: "api")
            let (r, _) = try cases.batcher.add(NewCase(record: record, actor: caller.account.name, note: o["note"]?.stringValue ?? "",
                                                       audit: CaseAudit(at: clock(), address: caller.address)))
            copyAuditLines()
            return .jsonText(r.json(now: now, marginSeconds: cases.ladder.deadlines.yellowMarginSeconds) + "\n", status: 201)
        }
    }

    /// GET /api/v1/cases?grid=&village=&township=&status=&level=&type=&light=&from=&to=&limit=
    func listCases(_ q: [String: String], _ cases: CaseService, _ caller: Caller) -> APIResponse {
        var f = CaseFilter()
        f.scope = caller.actor
        f.gridCode = q["grid"]; f.villageCode = q["village"]; f.townshipCode = q["township"]
        for (key, ok) in [("status", q["status"].map { CaseStatus(rawValue: $0) != nil }), ("level", q["level"].map { CaseLevel(rawValue: $0) != nil }),
                          ("type", q["type"].map { CaseType(rawValue: $0) != nil }), ("light", q["light"].map { CaseLight(rawValue: $0) != nil })]
        where ok == false {
            return .error(400, "\(key) \"\(q[key]!)\" is not a \(key) of a case (docs/CASES.md)")
        }
        f.status = q["status"].flatMap(CaseStatus.init(rawValue:)); f.level = q["level"].flatMap(CaseLevel.init(rawValue:))
        f.type = q["type"].flatMap(CaseType.init(rawValue:)); f.light = q["light"].flatMap(CaseLight.init(rawValue:))
        for (key, path) in [("from", \CaseFilter.reportedFrom), ("to", \CaseFilter.reportedBefore)] {
            guard let text = q[key] else { continue }
            guard let t = CaseTime(iso8601: text) else { return .error(400, "\(key) \"\(text)\" is not an ISO 8601 time with its offset or a date") }
            f[keyPath: path] = t
        }
        switch q["open"] {
        case nil, "false": break
        case "true": f.openOnly = true
        case let other?: return .error(400, "open \"\(other)\" must be true or false")
        }
        let limit = q["limit"].map { Int($0) } ?? 100
        guard let limit, limit > 0, limit <= 10_000 else { return .error(400, "limit must be 1…10000") }
        f.limit = limit
        return caseError {
            let now = cases.now(), margin = cases.ladder.deadlines.yellowMarginSeconds
            let rows = try cases.store.list(f, now: now, marginSeconds: margin).map { $0.json(now: now, marginSeconds: margin) }
            return .jsonText("{\"cases\":[\n" + rows.joined(separator: ",\n") + "\n]}\n")
        }
    }

    /// POST /api/v1/cases/{id}/{action}: {"note", "hours" (extend)}. The actor is the caller's
    /// account; its scope and right are judged on the case inside the store's transaction.
    func transition(_ action: CaseAction, caseID: String, _ body: [UInt8], _ cases: CaseService, _ caller: Caller) -> APIResponse {
        let o: JSONObject
        switch Self.bodyObject(body) { case .success(let v): o = v; case .failure(let f): return f.response }
        if let named = o["actor"]?.stringValue, named != caller.account.name {
            return .error(400, "the actor is the account logged in (\(caller.account.name)); leave \"actor\" out")
        }
        return caseError {
            let now = cases.now()
            let (r, t) = try cases.store.perform(action, on: caseID, at: now, actor: caller.account.name, note: o["note"]?.stringValue ?? "",
                                                 extendHours: o["hours"]?.doubleValue, ladder: cases.ladder, rights: caller.actor,
                                                 audit: CaseAudit(at: clock(), address: caller.address))
            copyAuditLines()
            return .jsonText("{\"case\":\(r.json(now: now, marginSeconds: cases.ladder.deadlines.yellowMarginSeconds)),\"transition\":\(t.json)}\n")
        }
    }
}

extension API {
    /// The change's audit line is in the case store's outbox, committed with the change; the
    /// drain copies it into the accounts file in a moment, with its neighbours'. A failed copy
    /// loses nothing (the line waits; the next copy takes it, and the timer logs the failure).
    func copyAuditLines() {
        auditDrain?.nudge()
    }
}

struct APIFailure: Error { var response: APIResponse }
