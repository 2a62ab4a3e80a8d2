import WanggeGeoJSON

/// The grid worker (网格员) a grid file names — who answers for the grid — and the hours a week
/// of everyone staffed on it. `wangge staff --grids-out` writes these properties; export, map,
/// geocode and assign read them back. They are an assignment kept with the plan, not a figure
/// derived from geometry, so they are read as written (a planner may also type them in QGIS).
public struct GridWorker: Hashable, Sendable {
    public var id: String
    public var name: String
    public var phone: String

    public init(id: String, name: String, phone: String) {
        self.id = id; self.name = name; self.phone = phone
    }

    public static let idKey = "worker_id"
    public static let nameKey = "worker"
    public static let phoneKey = "worker_phone"
    /// Hours a week of the grid worker and the supporting members posted on the grid.
    public static let staffHoursKey = "staff_hours"

    /// The worker a grid feature names; nil when it names none (no property, or a blank name).
    public init?(_ feature: Feature) {
        let name = Self.text(feature, Self.nameKey)
        guard !name.isEmpty else { return nil }
        self.init(id: Self.text(feature, Self.idKey), name: name, phone: Self.text(feature, Self.phoneKey))
    }

    /// The staff hours a grid feature carries, when it carries a positive number.
    public static func staffHours(_ feature: Feature) -> Double? {
        guard let h = feature.double(staffHoursKey), h.isFinite, h > 0 else { return nil }
        return h
    }

    /// Sets (or, with nil, blanks) the worker and staff-hours properties of a grid feature,
    /// keeping every other property and the geometry as they were.
    public static func set(_ worker: GridWorker?, staffHours: Double?, on feature: inout Feature) {
        feature[property: idKey] = .string(worker?.id ?? "")
        feature[property: nameKey] = .string(worker?.name ?? "")
        feature[property: phoneKey] = .string(worker?.phone ?? "")
        if let staffHours, staffHours.isFinite {
            feature[property: staffHoursKey] = .number(JSONNumber((staffHours * 10).rounded() / 10))
        } else {
            feature[property: staffHoursKey] = .null
        }
    }

    /// Grid code → worker, for the grids of a collection that name one.
    public static func byGrid(_ grids: FeatureCollection) -> [String: GridWorker] {
        var out: [String: GridWorker] = [:]
        for f in grids.features {
            guard let code = f.string("code") ?? f.id.map(\.text), let w = GridWorker(f) else { continue }
            out[code] = w
        }
        return out
    }

    /// A property as text, trimmed: a phone typed into QGIS may have become a number.
    static func text(_ feature: Feature, _ key: String) -> String {
        let raw: String
        switch feature.properties?[key] {
        case .string(let s)?: raw = s
        case .number(let n)?: raw = n.text
        default: return ""
        }
        return String(raw.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
