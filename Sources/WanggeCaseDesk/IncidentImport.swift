import WanggeCases
import WanggeGeoJSON
import Foundation
import WanggeIO

/// Cases from a GeoJSON history such as `boundaries/incidents.geojson` — one Point feature a case,
/// id = feature id — or a CSV with the same columns (`csvColumns`, lon/lat WGS-84). Properties `type`, `category`, `reported_at`, `deadline_hours`, `level`
/// (where it was resolved), `resolved_at`, `address`, `village_code`. Each is placed on the grid
/// file (GridLocator's rule, with its recorded village) and its history turned into transitions
/// through the ladder: reported and accepted at `reported_at`; escalated level by level up to
/// `level` (times not recorded: placed evenly between report and resolution, each accepted
/// at once); resolved at `resolved_at`. Its deadline is the recorded `reported_at +
/// deadline_hours`. A bad feature (CSV row) is reported with its number (line) and id and skipped;
/// the rest goes on.
public enum IncidentImport {
    public static let actor = "import"

    public struct Result: Sendable {
        public var cases: [(CaseRecord, [CaseTransition])]
        public var problems: [CaseError]
    }

    /// One case of a history file, as read (GeoJSON feature or CSV row), before it is checked.
    struct HistoryRecord {
        /// "feature 12 (C00013)" or "line 14": where the record is, for messages.
        var label: String
        var line: Int?
        var id: String?
        var type: String?
        var category: String?
        var reportedAt: String?
        var deadlineHours: String?
        var resolvedAt: String?
        var level: String?
        var address: String?
        var villageCode: String?
        var lon: Double?
        var lat: Double?
    }

    /// A GeoJSON (`.geojson`, `.json`) or CSV history, by the file's extension.
    public static func read(path: String, grids: CaseGrids, ladder: CaseLadder) throws -> Result {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".txt") { return try readCSV(path: path, grids: grids, ladder: ladder) }
        return try readGeoJSON(path: path, grids: grids, ladder: ladder)
    }

    public static func readGeoJSON(path: String, grids: CaseGrids, ladder: CaseLadder) throws -> Result {
        let collection = try GeoJSONReader().readFeatureCollection(contentsOf: path)
        var records: [HistoryRecord] = []
        for (i, f) in collection.features.enumerated() {
            let idText: String? = switch f.id { case .string(let s)?: s; case .number(let n)?: n.text; case nil: nil }
            var r = HistoryRecord(label: "feature \(i)" + (idText.map { " (\($0))" } ?? ""))
            r.id = idText
            r.type = f.string("type"); r.category = f.string("category"); r.reportedAt = f.string("reported_at")
            r.deadlineHours = f.double("deadline_hours").map { String($0) } ?? f.string("deadline_hours")
            r.resolvedAt = f.string("resolved_at"); r.level = f.string("level"); r.address = f.string("address")
            r.villageCode = f.string("village_code")
            if case .point(let p)? = f.geometry { r.lon = p.x; r.lat = p.y }
            records.append(r)
        }
        return convertAll(records, file: path, grids: grids, ladder: ladder, geometryWord: "the geometry is not a Point")
    }

    /// The CSV columns of a history (a header row first, UTF-8 or GBK, any line ends, quotes optional);
    /// lon/lat in WGS-84. id, type, reported_at, lon and lat are required.
    public static let csvColumns = ["id", "type", "category", "reported_at", "deadline_hours", "resolved_at", "level", "address", "village_code", "lon", "lat"]

    public static func readCSV(path: String, grids: CaseGrids, ladder: CaseLadder) throws -> Result {
        var reader = RecordReader(try InputFile(path: path), csvQuotes: true)
        if let refusal = TextEncoding.utf16Refusal(try reader.peek(2)) { throw CaseError(.badRecord, refusal, file: path) }
        // Excel in China saves CSV as GBK: detected, as assign and the roster detect it.
        let encoding = try reader.detectEncoding()
        var header: [String: Int] = [:]
        var records: [HistoryRecord] = []
        var problems: [CaseError] = []
        while let record = try reader.next() {
            let line = reader.lineNumber
            guard case .text(let bytes) = record else {
                problems.append(CaseError(.badRecord, "line \(line): the line is too long; skipped", file: path, line: line)); continue
            }
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            guard let text = TextEncoding.decodeRecord(bytes, as: encoding) else {
                problems.append(CaseError(.badRecord, "line \(line): neither UTF-8 nor GB18030 text (binary, or a damaged file?); skipped", file: path, line: line)); continue
            }
            let fields = CSV.fields(Array(text.utf8)).map { $0.trimmingCharacters(in: .whitespaces) }
            if header.isEmpty {
                for (i, name) in fields.enumerated() where header[name.lowercased()] == nil { header[name.lowercased()] = i }
                let missing = ["id", "type", "reported_at", "lon", "lat"].filter { header[$0] == nil }
                guard missing.isEmpty else {
                    throw CaseError(.badRecord, "line \(line): the header lacks \(missing.joined(separator: ", ")) (columns: \(csvColumns.joined(separator: ",")))", file: path, line: line)
                }
                continue
            }
            func field(_ name: String) -> String? {
                guard let i = header[name], i < fields.count, !fields[i].isEmpty else { return nil }
                return fields[i]
            }
            var r = HistoryRecord(label: "line \(line)" + (field("id").map { " (\($0))" } ?? ""), line: line)
            r.id = field("id"); r.type = field("type"); r.category = field("category"); r.reportedAt = field("reported_at")
            r.deadlineHours = field("deadline_hours"); r.resolvedAt = field("resolved_at"); r.level = field("level")
            r.address = field("address"); r.villageCode = field("village_code")
            if let lon = field("lon") {
                guard let v = Double(lon), v.isFinite else {
                    problems.append(CaseError(.badRecord, "\(r.label): lon \"\(lon)\" is not a number", caseID: r.id, file: path, line: line)); continue
                }
                r.lon = v
            }
            if let lat = field("lat") {
                guard let v = Double(lat), v.isFinite else {
                    problems.append(CaseError(.badRecord, "\(r.label): lat \"\(lat)\" is not a number", caseID: r.id, file: path, line: line)); continue
                }
                r.lat = v
            }
            records.append(r)
        }
        guard !header.isEmpty else { throw CaseError(.badRecord, "the file is empty (no header row)", file: path) }
        var result = convertAll(records, file: path, grids: grids, ladder: ladder, geometryWord: "lon and lat are required")
        // Problems in file order: those found while reading and those found converting, by line.
        result.problems = (problems + result.problems).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
        return result
    }

    static func convertAll(_ records: [HistoryRecord], file: String, grids: CaseGrids, ladder: CaseLadder, geometryWord: String) -> Result {
        let name = FilePath.name(of: file)
        var result = Result(cases: [], problems: [])
        var seen: Set<String> = []
        for r in records {
            do throws(CaseError) {
                let item = try convert(r, file: file, name: name, grids: grids, ladder: ladder, geometryWord: geometryWord)
                guard seen.insert(item.0.id).inserted else {
                    throw CaseError(.badRecord, "\(r.label): id \(item.0.id) appears twice (the first is kept)", caseID: item.0.id, file: file, line: r.line)
                }
                result.cases.append(item)
            } catch {
                result.problems.append(error)
            }
        }
        return result
    }

    static func convert(_ rec: HistoryRecord, file: String, name: String, grids: CaseGrids, ladder: CaseLadder,
                        geometryWord: String) throws(CaseError) -> (CaseRecord, [CaseTransition]) {
        func bad(_ what: String) -> CaseError { CaseError(.badRecord, "\(rec.label): \(what)", caseID: rec.id, file: file, line: rec.line) }
        guard let id = rec.id, !id.isEmpty else { throw bad("no id") }
        let type: CaseType
        do { type = try CaseType.parse(rec.type ?? "") } catch { throw bad(error.message) }
        guard let reportedText = rec.reportedAt, let reported = CaseTime(iso8601: reportedText) else {
            throw bad("reported_at is missing or not an ISO 8601 time with its offset")
        }
        var resolved: CaseTime?
        if let text = rec.resolvedAt {
            guard let t = CaseTime(iso8601: text) else { throw bad("resolved_at \"\(text)\" is not an ISO 8601 time with its offset") }
            guard t >= reported else { throw bad("resolved_at \(text) is before reported_at \(reportedText)") }
            resolved = t
        }
        let level: CaseLevel
        if let text = rec.level {
            guard let l = CaseLevel(rawValue: text) else {
                throw bad("unknown level \"\(text)\" (known: \(CaseLevel.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            level = l
        } else { level = .grid }
        var hours: Double?
        if let text = rec.deadlineHours {
            guard let h = Double(text), h > 0, h.isFinite else { throw bad("deadline_hours \(text) is not a positive number") }
            hours = h
        }
        guard let lon = rec.lon, let lat = rec.lat else { throw bad(geometryWord) }
        guard let placement = grids.place(lon: lon, lat: lat, village: rec.villageCode) else {
            throw bad("the point \(lon), \(lat) is in no grid of \(grids.path)")
        }
        let location = CaseLocation(address: rec.address, lon: lon, lat: lat, givenCRS: "wgs84", givenX: lon, givenY: lat)
        let start = CaseRecord(id: id, type: type, category: rec.category ?? "", description: "", location: location,
                               townshipCode: placement.townshipCode, villageCode: placement.villageCode, gridCode: placement.gridCode,
                               gridWorker: placement.gridWorker, deadline: reported, reportedAt: reported, source: "\(name)#\(id)")
        let note = "imported from \(name) \(id)"
        let (first, t0) = try ladder.report(start, actor: actor, note: note)
        var c = first, ts = [t0]
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
