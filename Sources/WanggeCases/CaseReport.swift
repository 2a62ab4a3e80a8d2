import WanggeIO

/// How many cases of one group (one grid, say) have each light.
public struct LightCounts: Hashable, Sendable {
    public var green = 0, yellow = 0, red = 0, parked = 0
    public init() {}
    public var total: Int { green + yellow + red + parked }
    public subscript(_ light: CaseLight) -> Int {
        get {
            switch light { case .green: green; case .yellow: yellow; case .red: red; case .parked: parked }
        }
        set {
            switch light { case .green: green = newValue; case .yellow: yellow = newValue; case .red: red = newValue; case .parked: parked = newValue }
        }
    }
    mutating func add(_ o: LightCounts) { green += o.green; yellow += o.yellow; red += o.red; parked += o.parked }
}

/// One row of the store's tally: cases of one grid (village, township), level and category
/// with one light. The store groups in SQL; this type adds them up by place and department.
public struct CaseTally: Hashable, Sendable {
    public var townshipCode: String?
    public var villageCode: String?
    public var gridCode: String?
    public var level: CaseLevel
    public var category: String
    public var light: CaseLight
    public var count: Int
    public init(townshipCode: String?, villageCode: String?, gridCode: String?, level: CaseLevel, category: String, light: CaseLight, count: Int) {
        self.townshipCode = townshipCode; self.villageCode = villageCode; self.gridCode = gridCode; self.level = level
        self.category = category; self.light = light; self.count = count
    }
}

/// Light counts per grid, village, township and department (cases now with a department, by
/// their category — the department responsible), each list sorted by code; cases that could not
/// be placed count under "-".
public struct CaseReport: Hashable, Sendable {
    public var now: CaseTime
    public var total = LightCounts()
    public var grids: [(String, LightCounts)] = []
    public var villages: [(String, LightCounts)] = []
    public var townships: [(String, LightCounts)] = []
    public var departments: [(String, LightCounts)] = []

    public static func == (a: CaseReport, b: CaseReport) -> Bool { a.json == b.json }
    public func hash(into h: inout Hasher) { h.combine(json) }

    public init(now: CaseTime, tallies: [CaseTally]) {
        self.now = now
        var g: [String: LightCounts] = [:], v: [String: LightCounts] = [:], t: [String: LightCounts] = [:], d: [String: LightCounts] = [:]
        for x in tallies {
            total[x.light] += x.count
            g[x.gridCode ?? "-", default: LightCounts()][x.light] += x.count
            v[x.villageCode ?? "-", default: LightCounts()][x.light] += x.count
            t[x.townshipCode ?? "-", default: LightCounts()][x.light] += x.count
            if x.level == .department { d[x.category.isEmpty ? "-" : x.category, default: LightCounts()][x.light] += x.count }
        }
        // Sorted by key: the report never depends on dictionary order.
        grids = g.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        villages = v.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        townships = t.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        departments = d.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func counts(_ c: LightCounts) -> String {
        "{\"green\":\(c.green),\"yellow\":\(c.yellow),\"red\":\(c.red),\"parked\":\(c.parked),\"total\":\(c.total)}"
    }

    /// Deterministic JSON: keys in a fixed order, groups sorted by code.
    public var json: String {
        func group(_ name: String, _ rows: [(String, LightCounts)]) -> String {
            "\"\(name)\":[" + rows.map { "{\"code\":\(JSONText.quoted($0.0)),\"lights\":\(Self.counts($0.1))}" }.joined(separator: ",\n ") + "]"
        }
        return "{\"now\":\"\(now)\",\"total\":\(Self.counts(total)),\n" + group("townships", townships) + ",\n" + group("villages", villages)
            + ",\n" + group("grids", grids) + ",\n" + group("departments", departments) + "}\n"
    }
}
