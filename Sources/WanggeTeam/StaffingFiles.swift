// What `wangge staff` writes: staffing.csv (one row a person, with a byte-order mark for Excel)
// and staffing.json (summary, grids, people), replaced together (AtomicFileSet), and the summary
// it prints.
import WanggeAssign
import WanggeDistrict
import WanggeGeoJSON
import WanggeIO
import WanggeStaffing

public struct StaffingReport {
    public let result: StaffingResult
    public let roster: Roster
    public let loaded: TeamInput.Loaded
    public let options: StaffingOptions
    /// The grid file staffed, as named by the user (for the JSON summary).
    public let gridsFile: String

    public init(result: StaffingResult, roster: Roster, loaded: TeamInput.Loaded, options: StaffingOptions, gridsFile: String) {
        self.result = result; self.roster = roster; self.loaded = loaded; self.options = options; self.gridsFile = gridsFile
    }

    public static let csvName = "staffing.csv"
    public static let jsonName = "staffing.json"

    var entries: [String: RosterEntry] { Dictionary(roster.entries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) }
    var villageNames: [String: String] { Dictionary(loaded.boundaries.villages.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a }) }
    var gridsByCode: [String: StaffingResult.Grid] { Dictionary(result.grids.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a }) }

    static func fixed(_ v: Double?, _ decimals: Int) -> String {
        guard let v, v.isFinite else { return "" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let n = Int64((abs(v) * scale).rounded())
        let whole = String(n / Int64(scale)), frac = String(n % Int64(scale))
        let sign = v < 0 && n != 0 ? "-" : ""
        return decimals == 0 ? sign + whole : sign + whole + "." + String(repeating: "0", count: decimals - frac.count) + frac
    }

    static func number(_ v: Double?, _ decimals: Int) -> JSONValue {
        guard let v, v.isFinite else { return .null }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return .number(JSONNumber((v * scale).rounded() / scale))
    }

    public static let csvHeader = ["id", "name", "role", "home_village_code", "home_village", "phone", "hours_per_week", "post",
                                   "grid_code", "grid_village", "distance_m", "grid_work_hours", "grid_staff_hours",
                                   "grid_ratio", "share_hours", "overloaded"]

    /// One row a person, sorted by id, after a UTF-8 byte-order mark.
    public func csv() -> [UInt8] {
        let entries = self.entries, names = villageNames, grids = gridsByCode
        var text = CSV.record(Self.csvHeader) + "\n"
        for p in result.people {
            let e = entries[p.id], g = p.grid.flatMap { grids[$0] }
            text += CSV.record([
                p.id, e?.name ?? "", p.role.rawValue, p.villageCode, names[p.villageCode] ?? "", e?.phone ?? "",
                Self.fixed(p.hoursPerWeek, 1), p.post.rawValue, p.grid ?? "", g.flatMap { names[$0.villageCode] } ?? "",
                Self.fixed(p.distance, 0), Self.fixed(g?.workHours, 1), Self.fixed(g?.staffHours, 1), Self.fixed(g?.ratio, 3),
                Self.fixed(p.shareHours, 1), p.overloaded ? "yes" : "no",
            ]) + "\n"
        }
        return CSV.byteOrderMark + Array(text.utf8)
    }

    /// The summary, every grid and every person; one grid or person a line.
    public func json() -> [UInt8] {
        let entries = self.entries, names = villageNames
        let households = Dictionary(zip(loaded.locator.grids.map(\.code), loaded.households), uniquingKeysWith: { a, _ in a })
        func person(_ id: String?) -> JSONValue {
            guard let id, let e = entries[id] else { return .null }
            return .object(["id": .string(e.id), "name": .string(e.name), "phone": .string(e.phone)])
        }
        let summary: JSONObject = [
            "roster": .string(roster.file), "grids_file": .string(gridsFile),
            "work_hours": .string("the workload model's hours a week per grid (wangge report)"),
            "travel_limit_m": Self.number(options.travelLimit, 0), "overload_ratio": Self.number(options.overloadRatio, 3),
            "grids": .number(JSONNumber(result.grids.count)), "unfilled": .number(JSONNumber(result.unfilled.count)),
            "people": .number(JSONNumber(result.people.count)), "skipped_rows": .number(JSONNumber(roster.skipped)),
            "unassigned": .number(JSONNumber(result.unassigned.count)), "overloaded": .number(JSONNumber(result.overloaded.count)),
            "away_from_home": .number(JSONNumber(result.awayFromHome)),
            "cv_work_hours": Self.number(result.workHours.cv, 4), "cv_ratio_naive": Self.number(result.naive.cv, 4),
            "cv_ratio": Self.number(result.ratio.cv, 4), "ratio_mean": Self.number(result.ratio.mean, 4),
            "ratio_min": Self.number(result.ratio.min, 4), "ratio_max": Self.number(result.ratio.max, 4),
        ]
        let gridLines = result.grids.map { g -> String in
            JSONValue.object([
                "code": .string(g.code), "village_code": .string(g.villageCode), "village": .string(names[g.villageCode] ?? ""),
                "households": .number(JSONNumber(households[g.code] ?? 0)), "work_hours": Self.number(g.workHours, 1),
                "grid_worker": person(g.gridWorker), "support": .array(g.support.map { .string($0) }),
                "staff_hours": Self.number(g.staffHours, 1), "ratio": Self.number(g.ratio, 4),
            ]).jsonText
        }
        let personLines = result.people.map { p -> String in
            JSONValue.object([
                "id": .string(p.id), "name": .string(entries[p.id]?.name ?? ""), "role": .string(p.role.rawValue),
                "home_village_code": .string(p.villageCode), "hours_per_week": Self.number(p.hoursPerWeek, 1),
                "post": .string(p.post.rawValue), "grid": p.grid.map { .string($0) } ?? .null,
                "distance_m": Self.number(p.distance, 0), "share_hours": Self.number(p.shareHours, 1), "overloaded": .bool(p.overloaded),
            ]).jsonText
        }
        func list(_ ids: [String]) -> String { JSONValue.array(ids.map { .string($0) }).jsonText }
        let text = "{\"summary\":" + JSONValue.object(summary).jsonText
            + ",\n\"unfilled\":" + list(result.unfilled) + ",\n\"overloaded\":" + list(result.overloaded)
            + ",\n\"unassigned\":" + list(result.unassigned)
            + ",\n\"grids\":[\n" + gridLines.joined(separator: ",\n") + "\n],\n\"people\":[\n" + personLines.joined(separator: ",\n") + "\n]}\n"
        return Array(text.utf8)
    }

    /// Writes staffing.csv and staffing.json into `directory`, together (both or neither).
    public func write(to directory: String) throws {
        let set = try AtomicFileSet(directory: directory)
        try set.write(Self.csvName, csv())
        try set.write(Self.jsonName, json())
        try set.commit()
    }

    /// `grids` with each grid's worker (name, phone, roster id) and its staff hours set as
    /// properties (`GridWorker`), for `wangge staff --grids-out`; an unfilled grid gets blanks, so a
    /// worker of an earlier staffing never lingers. Geometry and other properties are untouched.
    public func staffedGrids(_ grids: FeatureCollection) -> FeatureCollection {
        let entries = self.entries, staffed = gridsByCode
        var out = grids
        for k in out.features.indices {
            let f = out.features[k]
            guard let code = f.string("code") ?? f.id.map(\.text) else { continue }
            let g = staffed[code]
            let worker = g?.gridWorker.flatMap { entries[$0] }.map { GridWorker(id: $0.id, name: $0.name, phone: $0.phone) }
            GridWorker.set(worker, staffHours: g?.staffHours, on: &out.features[k])
        }
        return out
    }

    /// What `wangge staff` prints.
    public func summary() -> String {
        let r = result
        let roles = StaffRole.allCases.map { role in "\(roster.count(role)) \(role.rawValue)" }.joined(separator: ", ")
        var lines: [String] = []
        lines.append("roster \(roster.file): \(roster.entries.count) people (\(roles))"
            + (roster.skipped > 0 ? ", \(roster.skipped) rows skipped" : "") + (roster.encoding != "UTF-8" ? ", read as \(roster.encoding)" : ""))
        lines.append("grids \(gridsFile): \(r.grids.count); hours of work a week per grid from the workload model (as wangge report)")
        lines.append(TextTable(header: ["hours of work per staff-hour", "CV", "min", "mean", "max"], rows: [
            ["hours of work per grid (before staffing)", Self.fixed(r.workHours.cv, 3), Self.fixed(r.workHours.min, 1), Self.fixed(r.workHours.mean, 1), Self.fixed(r.workHours.max, 1)],
            ["ratio, members spread by count at home", Self.fixed(r.naive.cv, 3), Self.fixed(r.naive.min, 3), Self.fixed(r.naive.mean, 3), Self.fixed(r.naive.max, 3)],
            ["ratio, staffed", Self.fixed(r.ratio.cv, 3), Self.fixed(r.ratio.min, 3), Self.fixed(r.ratio.mean, 3), Self.fixed(r.ratio.max, 3)],
        ]).render())
        let filled = r.grids.count - r.unfilled.count
        lines.append("grid workers on \(filled) of \(r.grids.count) grids" + (r.unfilled.isEmpty ? "" : "; unfilled: " + Self.listed(r.unfilled)))
        let support = r.people.filter { $0.post == .support }.count
        lines.append("supporting members on grids: \(support) (\(r.awayFromHome) in a neighbouring village, travel limit \(Self.fixed(options.travelLimit / 1000, 1)) km)"
            + (r.unassigned.isEmpty ? "" : "; on no grid (none within reach): " + Self.listed(r.unassigned)))
        lines.append("overloaded (share of the grid's work above their hours): "
            + (r.overloaded.isEmpty ? "nobody" : "\(r.overloaded.count) — " + Self.listed(r.overloaded)))
        return lines.joined(separator: "\n")
    }

    static func listed(_ ids: [String], max: Int = 12) -> String {
        ids.prefix(max).joined(separator: ", ") + (ids.count > max ? " … and \(ids.count - max) more" : "")
    }
}
