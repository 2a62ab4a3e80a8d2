import Foundation
import WanggeIO

/// The hours a grid's work takes per week, from one documented JSON file (`--workload FILE`;
/// `WorkloadModel.standard` and `docs/workload.json` are the defaults). Every parameter is a
/// number, or `{"value": number, "note": "where it comes from"}`; unknown keys, negative or
/// non-numeric values are errors naming the file and the key.
public struct WorkloadModel: Sendable, Equatable {
    public struct Parameter: Sendable, Equatable {
        public var key: String
        public var value: Double
        public var note: String
    }

    /// Parameters in file order (sorted by key when written), each with its note.
    public private(set) var parameters: [Parameter]

    public subscript(_ key: String) -> Double { parameters.first { $0.key == key }!.value }

    /// The defaults, with their source or assumption beside each.
    public static let standard = WorkloadModel(parameters: [
        Parameter(key: "household_visits_per_month", value: 1,
                  note: "assumption: every household visited once a month (走访), the usual grid-worker rule"),
        Parameter(key: "household_visit_hours", value: 0.25, note: "assumption: 15 minutes a visit including the record"),
        Parameter(key: "elderly_alone_visits_per_month", value: 4, note: "assumption: weekly check on elderly people living alone"),
        Parameter(key: "disabled_visits_per_month", value: 2, note: "assumption: fortnightly visit per disabled resident"),
        Parameter(key: "low_income_visits_per_month", value: 1, note: "assumption: monthly check of low-income (低保) households"),
        Parameter(key: "key_persons_visits_per_month", value: 4, note: "assumption: weekly contact with key persons (重点人员)"),
        Parameter(key: "flag_visit_hours", value: 0.5, note: "assumption: 30 minutes a flagged visit"),
        Parameter(key: "incident_weeks", value: 52, note: "incidents.geojson covers 12 months: counts ÷ 52 = cases a week"),
        Parameter(key: "department_matter_hours", value: 3, note: "assumption: a matter handled for a department (seed: 780+)"),
        Parameter(key: "dispute_hours", value: 4, note: "assumption: a dispute mediated on site (seed: 730+)"),
        Parameter(key: "errand_hours", value: 1.5, note: "assumption: an errand done for a resident (seed: 1,300+)"),
        Parameter(key: "problem_hours", value: 2, note: "assumption: a problem solved (seed: 3,800)"),
        Parameter(key: "other_incident_hours", value: 2, note: "assumption: an incident of any other type"),
        Parameter(key: "patrols_per_day", value: 2, note: "seed: 一日双巡, two patrols a day"),
        Parameter(key: "patrol_days_per_week", value: 6, note: "assumption: six working days"),
        Parameter(key: "patrol_share_of_route", value: 0.25,
                  note: "assumption: a patrol walks a quarter of the grid's route, so the whole grid every two days"),
        Parameter(key: "walking_speed_kmh", value: 4,
                  note: "assumption: walking on flat ground, stops included; slopes slow it by Tobler's hiking function on elevation.asc (relative to the flat)"),
        Parameter(key: "path_max_gradient", value: 0.2,
                  note: "assumption: paths switch back rather than climb steeper than 20 %; a steeper piece is walked longer at 20 %"),
        Parameter(key: "route_detour", value: 1.3,
                  note: "assumption: paths are 30 % longer than the straight tree through the courtyards"),
        Parameter(key: "route_cell_m", value: 100,
                  note: "courtyards: address points gathered in 100 m cells; the route joins the cells (minimum spanning tree)"),
        Parameter(key: "upkeep_hours_per_record", value: 0.005,
                  note: "assumption: keeping a base record current, ≈ 15 minutes a record a year (seed: 57,000+ records)"),
    ])

    /// Parameters by key, in the standard order; `overrides` replace values (and notes).
    init(parameters: [Parameter]) { self.parameters = parameters }

    /// Reads a workload file: any subset of the standard keys (the rest keep their defaults).
    public static func load(_ path: String) throws -> WorkloadModel {
        let bytes: [UInt8]
        do { bytes = try InputFile(path: path).readAll(limit: 1 << 20) } catch { throw WorkloadError("\(path): \(error)") }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(bytes)) } catch {
            throw WorkloadError("\(path): not valid JSON (\((error as NSError).userInfo["NSDebugDescription"] as? String ?? "\(error)"))")
        }
        guard let object = json as? [String: Any] else { throw WorkloadError("\(path): expected a JSON object of parameters") }
        var model = standard
        for key in object.keys.sorted() {
            guard let k = model.parameters.firstIndex(where: { $0.key == key }) else {
                throw WorkloadError("\(path): unknown key \"\(key)\" (known: \(standard.parameters.map(\.key).joined(separator: ", ")))")
            }
            var value: Any? = object[key]
            var note = "set in \(path)"
            if let p = value as? [String: Any] {
                for extra in p.keys.sorted() where extra != "value" && extra != "note" {
                    throw WorkloadError("\(path): \(key): unknown field \"\(extra)\" (use \"value\" and \"note\")")
                }
                value = p["value"]
                if let n = p["note"] as? String { note = n }
            }
            // JSON true/false also bridge to NSNumber: their type code is "c".
            guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else {
                throw WorkloadError("\(path): \(key): \(describe(value)) is not a number")
            }
            let v = number.doubleValue
            guard v.isFinite, v >= 0 else { throw WorkloadError("\(path): \(key): \(v) is negative or not finite") }
            if ["walking_speed_kmh", "incident_weeks", "route_cell_m", "path_max_gradient"].contains(key) && v == 0 {
                throw WorkloadError("\(path): \(key) must be greater than 0")
            }
            model.parameters[k].value = v
            model.parameters[k].note = note
        }
        return model
    }

    /// A parameter as JSON writes it: 2 (not 2.0), 0.25.
    static func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }

    static func describe(_ v: Any?) -> String {
        switch v {
        case nil: return "a missing value"
        case let s as String: return "\"\(s)\""
        case is NSNull: return "null"
        default: return "\(v!)"
        }
    }

    /// The model as the documented JSON file (keys in standard order, two-space indent).
    public var json: String {
        var out = "{\n"
        for (i, p) in parameters.enumerated() {
            out += "  \(JSONText.quoted(p.key)): {\"value\": \(Self.number(p.value)), \"note\": \(JSONText.quoted(p.note))}"
            out += i + 1 < parameters.count ? ",\n" : "\n"
        }
        return out + "}\n"
    }
}

public struct WorkloadError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
