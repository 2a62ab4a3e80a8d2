import WanggeCases
import WanggeGeoJSON
import WanggeIO

/// Cases from a GeoJSON history such as `boundaries/incidents.geojson`: one Point feature a case,
/// id = feature id, properties `type`, `category`, `reported_at`, `deadline_hours`, `level`
/// (where it was resolved), `resolved_at`, `address`, `village_code`. Each is placed on the grid
/// file (GridLocator's rule, with its recorded village) and its history turned into transitions
/// through the ladder: reported and accepted at `reported_at`; escalated level by level up to
/// `level` (times not recorded: placed evenly between report and resolution, each accepted
/// at once); resolved at `resolved_at`. Its deadline is the recorded `reported_at +
/// deadline_hours`. A bad feature is reported with its number and id and skipped; the rest goes on.
public enum IncidentImport {
    public static let actor = "import"

    public struct Result: Sendable {
        public var cases: [(CaseRecord, [CaseTransition])]
        public var problems: [CaseError]
    }

    public static func read(path: String, grids: CaseGrids, ladder: CaseLadder) throws -> Result {
        let collection = try GeoJSONReader().readFeatureCollection(contentsOf: path)
        let name = FilePath.name(of: path)
        var result = Result(cases: [], problems: [])
        var seen: Set<String> = []
        for (i, f) in collection.features.enumerated() {
            do {
                let item = try convert(f, index: i, file: path, name: name, grids: grids, ladder: ladder)
                guard seen.insert(item.0.id).inserted else {
                    throw CaseError(.badRecord, "feature \(i): id \(item.0.id) appears twice (the first is kept)", file: path)
                }
                result.cases.append(item)
            } catch let e as CaseError {
                result.problems.append(e)
            }
        }
        return result
    }

    static func convert(_ f: Feature, index i: Int, file: String, name: String, grids: CaseGrids,
                        ladder: CaseLadder) throws(CaseError) -> (CaseRecord, [CaseTransition]) {
        let idText: String? = switch f.id { case .string(let s)?: s; case .number(let n)?: n.text; case nil: nil }
        let label = "feature \(i)" + (idText.map { " (\($0))" } ?? "")
        func bad(_ what: String) -> CaseError { CaseError(.badRecord, "\(label): \(what)", caseID: idText, file: file) }
        guard let id = idText, !id.isEmpty else { throw bad("no id") }
        let type: CaseType
        do { type = try CaseType.parse(f.string("type") ?? "") } catch { throw bad(error.message) }
        guard let reportedText = f.string("reported_at"), let reported = CaseTime(iso8601: reportedText) else {
            throw bad("reported_at is missing or not an ISO 8601 time with its offset")
        }
        var resolved: CaseTime?
        if let text = f.string("resolved_at") {
            guard let t = CaseTime(iso8601: text) else { throw bad("resolved_at \"\(text)\" is not an ISO 8601 time with its offset") }
            guard t >= reported else { throw bad("resolved_at \(text) is before reported_at \(reportedText)") }
            resolved = t
        }
        let level: CaseLevel
        if let text = f.string("level") {
            guard let l = CaseLevel(rawValue: text) else {
                throw bad("unknown level \"\(text)\" (known: \(CaseLevel.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            level = l
        } else { level = .grid }
        let hours = f.double("deadline_hours")
        if let hours, !(hours > 0 && hours.isFinite) { throw bad("deadline_hours \(hours) is not a positive number") }
        guard case .point(let p)? = f.geometry else { throw bad("the geometry is not a Point") }
        let village = f.string("village_code")
        guard let placement = grids.place(lon: p.x, lat: p.y, village: village) else {
            throw bad("the point \(p.x), \(p.y) is in no grid of \(grids.path)")
        }
        let location = CaseLocation(address: f.string("address"), lon: p.x, lat: p.y, givenCRS: "wgs84", givenX: p.x, givenY: p.y)
        let start = CaseRecord(id: id, type: type, category: f.string("category") ?? "", description: "", location: location,
                               townshipCode: placement.townshipCode, villageCode: placement.villageCode, gridCode: placement.gridCode,
                               gridWorker: placement.gridWorker, deadline: reported, reportedAt: reported, source: "\(name)#\(id)")
        let note = "imported from \(name) \(id)"
        var (c, t0) = try ladder.report(start, actor: actor, note: note)
        var ts = [t0]
        func step(_ a: CaseAction, _ at: CaseTime, _ why: String) throws(CaseError) {
            let (next, t) = try ladder.apply(a, to: c, at: at, actor: actor, note: why)
            c = next
            ts.append(t)
        }
        try step(.accept, reported, note)
        let climbs = level.rank
        for k in 1...max(1, climbs) where climbs > 0 {
            // Escalation times are not recorded: evenly between report and resolution, else at
            // each level's deadline by the table.
            let at = resolved.map { CaseTime(seconds: reported.seconds + ($0.seconds - reported.seconds) * Int64(k) / Int64(climbs + 1)) } ?? c.deadline
            try step(.escalate, at, "\(note): escalated (time not recorded, placed between report and resolution)")
            try step(.accept, at, note)
        }
        if let hours {
            c.deadline = reported.adding(hours: hours)
            ts[ts.count - 1].deadline = c.deadline
        }
        if let resolved { try step(.resolve, resolved, note) }
        return (c, ts)
    }
}
