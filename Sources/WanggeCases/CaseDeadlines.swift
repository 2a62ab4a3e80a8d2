import Foundation
import WanggeIO

/// How long each level has for a case of each type, and how early its light turns yellow — one
/// documented JSON file (`docs/case-deadlines.json`, `--deadlines FILE`). Keys are
/// `yellow_margin_hours` and `<type>.<level>` (`dispute.grid`, `problem.township`, …), each a
/// number of hours or `{"value": hours, "note": "why"}`; any subset (the rest keep their
/// defaults). Unknown keys, negative, zero or non-numeric values are errors naming file and key.
public struct CaseDeadlines: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var hours: Double
        public var note: String
    }

    /// In the standard order (margin first, then type by type, level by level).
    public private(set) var entries: [Entry]

    public static let marginKey = "yellow_margin_hours"

    public static func key(_ type: CaseType, _ level: CaseLevel) -> String { "\(type.rawValue).\(level.rawValue)" }

    /// Hours `level` has for a case of `type` from the moment it arrives there.
    public func hours(_ type: CaseType, _ level: CaseLevel) -> Double { value(Self.key(type, level)) }

    public var yellowMarginHours: Double { value(Self.marginKey) }
    public var yellowMarginSeconds: Int64 { Int64((yellowMarginHours * 3600).rounded()) }

    private func value(_ key: String) -> Double { entries.first { $0.key == key }?.hours ?? 0 }

    /// The defaults. At the grid, the deadlines `incidents.geojson` records per type; above it,
    /// each level gets a fresh window of its own.
    public static let standard: CaseDeadlines = {
        var e = [Entry(key: marginKey, hours: 24, note: "assumption: a case turns yellow in its last day (24 h before the deadline)")]
        let grid: [CaseType: (Double, String)] = [
            .problem: (72, "incidents.geojson: deadline_hours 72 for every problem (3 days at the grid)"),
            .errand: (120, "incidents.geojson: deadline_hours 120 for every errand (5 days)"),
            .dispute: (168, "incidents.geojson: deadline_hours 168 for every dispute (7 days of mediation)"),
            .departmentMatter: (240, "incidents.geojson: deadline_hours 240 for every department matter (10 days)"),
        ]
        let above: [CaseLevel: (Double, String)] = [
            .village: (72, "assumption: the village/community station has 3 days once a case reaches it"),
            .township: (120, "assumption: the township centre has 5 days (it may call in its offices)"),
            .district: (168, "assumption: the district centre has 7 days (it dispatches to departments)"),
            .department: (240, "assumption: a department has 10 working days, the usual 办理时限 for 12345 orders"),
        ]
        for t in CaseType.allCases.sorted() {
            for l in CaseLevel.allCases {
                let (h, note) = l == .grid ? grid[t] ?? (72, "") : above[l] ?? (72, "")
                e.append(Entry(key: key(t, l), hours: h, note: note))
            }
        }
        return CaseDeadlines(entries: e)
    }()

    init(entries: [Entry]) { self.entries = entries }

    /// Reads a deadline file (see the type's comment).
    public static func load(_ path: String) throws(CaseError) -> CaseDeadlines {
        let bytes: [UInt8]
        do { bytes = try InputFile(path: path).readAll(limit: 1 << 20) } catch {
            throw CaseError(.badConfig, "cannot read it: \(error)", file: path)
        }
        return try parse(bytes, file: path)
    }

    public static func parse(_ bytes: [UInt8], file: String) throws(CaseError) -> CaseDeadlines {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(bytes)) } catch {
            throw CaseError(.badConfig, "not valid JSON (\((error as NSError).userInfo["NSDebugDescription"] as? String ?? "\(error)"))", file: file)
        }
        guard let object = json as? [String: Any] else { throw CaseError(.badConfig, "expected a JSON object of deadlines", file: file) }
        var table = standard
        for key in object.keys.sorted() {
            guard let k = table.entries.firstIndex(where: { $0.key == key }) else {
                throw CaseError(.badConfig, "unknown key (known: \(standard.entries.map(\.key).joined(separator: ", ")))", file: file, key: key)
            }
            var value: Any? = object[key]
            var note = "set in \(file)"
            if let p = value as? [String: Any] {
                for extra in p.keys.sorted() where extra != "value" && extra != "note" {
                    throw CaseError(.badConfig, "unknown field \"\(extra)\" (use \"value\" and \"note\")", file: file, key: key)
                }
                value = p["value"]
                if let n = p["note"] { guard let s = n as? String else { throw CaseError(.badConfig, "the note is not a string", file: file, key: key) }; note = s }
            }
            // JSON true/false also bridge to NSNumber: their type code is "c".
            guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else {
                throw CaseError(.badConfig, "\(describe(value)) is not a number of hours", file: file, key: key)
            }
            let v = number.doubleValue
            guard v.isFinite, v >= 0 else { throw CaseError(.badConfig, "\(v) is negative or not finite", file: file, key: key) }
            if key != marginKey && v == 0 { throw CaseError(.badConfig, "a deadline must be more than 0 hours", file: file, key: key) }
            guard v <= 24 * 366 * 10 else { throw CaseError(.badConfig, "\(v) hours is more than ten years", file: file, key: key) }
            table.entries[k].hours = v
            table.entries[k].note = note
        }
        return table
    }

    static func describe(_ v: Any?) -> String {
        switch v {
        case nil: "a missing value"
        case let s as String: "\"\(s)\""
        case is NSNull: "null"
        default: "\(v.map { "\($0)" } ?? "")"
        }
    }

    /// The table as the documented JSON file (standard order, one entry a line).
    public var json: String {
        var out = "{\n"
        for (i, p) in entries.enumerated() {
            let n = p.hours == p.hours.rounded() && abs(p.hours) < 1e15 ? String(Int(p.hours)) : String(p.hours)
            out += "  \(JSONText.quoted(p.key)): {\"value\": \(n), \"note\": \(JSONText.quoted(p.note))}"
            out += i + 1 < entries.count ? ",\n" : "\n"
        }
        return out + "}\n"
    }
}
