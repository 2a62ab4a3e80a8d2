import WanggeAssign
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry

/// What lies in one grid, recomputed from its geometry and `boundaries/` (never read from the
/// grid file's properties, which a QGIS edit leaves stale).
public struct GridFigures: Sendable, Equatable {
    public var code: String
    public var name: String
    public var villageCode: String
    public var village: String
    public var township: String
    public var households = 0
    public var residents = 0
    /// Address records (base records kept by the grid worker).
    public var records = 0
    public var elderlyAlone = 0
    public var disabled = 0
    public var lowIncome = 0
    public var keyPersons = 0
    /// Incidents by type (sorted by type).
    public var incidents: [(type: String, count: Int)] = []
    public var areaKm2 = 0.0
    /// The patrol route: the tree joining its courtyards (address cells), with the detour.
    public var patrolKm = 0.0
    /// Walking time over the terrain ÷ walking time on the flat, along the route both ways
    /// (Tobler's hiking function on `elevation.asc`; 1 without a raster).
    public var patrolSlowdown = 1.0

    public var incidentCount: Int { incidents.reduce(0) { $0 + $1.count } }

    public static func == (a: GridFigures, b: GridFigures) -> Bool {
        a.code == b.code && a.households == b.households && a.residents == b.residents && a.records == b.records
            && a.elderlyAlone == b.elderlyAlone && a.disabled == b.disabled && a.lowIncome == b.lowIncome && a.keyPersons == b.keyPersons
            && a.incidents.map(\.type) == b.incidents.map(\.type) && a.incidents.map(\.count) == b.incidents.map(\.count)
            && a.areaKm2 == b.areaKm2 && a.patrolKm == b.patrolKm && a.patrolSlowdown == b.patrolSlowdown
    }
}

/// A grid's weekly hours, part by part, so a planner sees why a grid is heavy.
public struct GridHours: Sendable {
    public static let partNames = ["households", "flagged", "incidents", "patrol", "upkeep"]
    public var figures: GridFigures
    /// Hours a week, in `partNames` order.
    public var parts: [Double]
    public var total: Double { parts.reduce(0, +) }
}

public enum WorkloadCalculator {
    /// Every grid's figures: addresses and incidents placed by the one point-to-grid rule
    /// (`GridLocator`: the covering grid of the point's own village, else its nearest), areas and
    /// routes in the district's metric CRS. Grids in code order.
    public static func figures(grids: FeatureCollection, boundaries: DistrictBoundaries, layers: DistrictLayers,
                               model: WorkloadModel = .standard) throws -> [GridFigures] {
        try figures(locator: GridLocator(GridSet(collection: grids, metricCRS: boundaries.profile.metricCRS)),
                    boundaries: boundaries, layers: layers, model: model)
    }

    /// The same, for grids already indexed (a caller that needs the locator too builds it once).
    public static func figures(locator: GridLocator, boundaries: DistrictBoundaries, layers: DistrictLayers,
                               model: WorkloadModel = .standard) throws -> [GridFigures] {
        let set = locator.gridSet
        // Names from boundaries/ by the village code (a grid file with only codes still reports).
        let villages = Dictionary(boundaries.villages.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var out = locator.grids.map { g in
            GridFigures(code: g.code, name: g.name, villageCode: g.villageCode, village: villages[g.villageCode]?.name ?? g.village,
                        township: villages[g.villageCode]?.township ?? g.township)
        }
        for (k, polygons) in set.metricPolygons.enumerated() { out[k].areaKm2 = polygons.reduce(0) { $0 + $1.planarArea } / 1e6 }
        let toMetric = try PROJTransformer(from: .wgs84, to: set.metricCRS)
        var cells = [[Int64: (x: Double, y: Double, n: Int)]](repeating: [:], count: out.count)
        let cell = model["route_cell_m"]
        for a in layers.addresses {
            guard let k = locator.grid(at: a.position, village: a.villageCode) else { continue }
            out[k].households += a.households
            out[k].residents += a.residents
            out[k].records += 1
            out[k].elderlyAlone += a.elderlyAlone
            out[k].disabled += a.disabled
            out[k].lowIncome += a.lowIncome
            out[k].keyPersons += a.keyPersons
            let m = try toMetric.transform(a.position)
            let key = courtyardCell(m, size: cell)
            let c = cells[k][key] ?? (0, 0, 0)
            cells[k][key] = (c.x + m.x, c.y + m.y, c.n + 1)
        }
        var incidents = [[String: Int]](repeating: [:], count: out.count)
        for i in layers.incidents {
            guard let k = locator.grid(at: i.position, village: i.villageCode) else { continue }
            incidents[k][i.type.isEmpty ? "other" : i.type, default: 0] += 1
        }
        for k in out.indices {
            out[k].incidents = incidents[k].keys.sorted().map { ($0, incidents[k][$0]!) }
            // Courtyards: the mean point of each cell's addresses, in cell order (deterministic).
            let points = cells[k].keys.sorted().map { key -> Coordinate in let c = cells[k][key]!; return Coordinate(c.x / Double(c.n), c.y / Double(c.n)) }
            let edges = spanningTreeEdges(points)
            out[k].patrolKm = edges.reduce(0) { $0 + $1.length } * model["route_detour"] / 1000
            out[k].patrolSlowdown = slowdown(edges.map { (points[$0.0], points[$0.1]) }, boundaries.elevation, maxGradient: model["path_max_gradient"])
        }
        return out.sorted { $0.code < $1.code }
    }

    /// The courtyard cell (`route_cell_m` squares) holding a metric point, as one key.
    static func courtyardCell(_ p: Coordinate, size: Double) -> Int64 {
        Int64((p.x / size).rounded(.down)) << 32 ^ Int64((p.y / size).rounded(.down))
    }

    /// Time to walk `legs` both ways over the terrain ÷ the time on the flat (Tobler's function;
    /// 1 without a raster or legs). Metric coordinates in the raster's CRS.
    /// A leg is cut into pieces of at most 25 m; a piece steeper than `maxGradient` is walked as a
    /// path switching back at that gradient (longer, at that gradient's speed) — a straight line
    /// between two courtyards over a ridge is not how anyone walks.
    public static func slowdown(_ legs: [(Coordinate, Coordinate)], _ elevation: ElevationModel?, maxGradient: Double = 0.2) -> Double {
        guard let elevation, !legs.isEmpty else { return 1 }
        let flatSpeed = Tobler.speed(slope: 0)
        var hours = 0.0, flat = 0.0
        for (a, b) in legs {
            let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            guard length > 0, length.isFinite else { continue }
            let pieces = max(1, Int(min(100_000, (length / 25).rounded(.up))))
            let step = length / Double(pieces) / 1000
            var previous = elevation.elevation(at: a)
            for i in 1...pieces {
                let t = Double(i) / Double(pieces)
                let z = elevation.elevation(at: Coordinate(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)))
                flat += 2 * step / flatSpeed
                guard let z0 = previous, let z1 = z else { hours += 2 * step / flatSpeed; previous = z; continue }
                let rise = (z1 - z0) / 1000
                for slope in [rise / step, -rise / step] {            // there and back
                    if abs(slope) <= maxGradient { hours += step / Tobler.speed(slope: slope) }
                    else { hours += abs(rise) / maxGradient / Tobler.speed(slope: slope > 0 ? maxGradient : -maxGradient) }
                }
                previous = z
            }
        }
        return flat > 0 ? hours / flat : 1
    }

    /// Length of the minimum spanning tree of `points`.
    public static func spanningTreeLength(_ points: [Coordinate]) -> Double {
        spanningTreeEdges(points).reduce(0) { $0 + $1.length }
    }

    /// The minimum spanning tree's edges (Prim, O(n²): a village has at most a few thousand
    /// courtyard cells), as (point, point, length); ties go to the lower index.
    public static func spanningTreeEdges(_ points: [Coordinate]) -> [(Int, Int, length: Double)] {
        guard points.count > 1 else { return [] }
        var inTree = [Bool](repeating: false, count: points.count)
        var best = [Double](repeating: .infinity, count: points.count)
        var parent = [Int](repeating: -1, count: points.count)
        best[0] = 0
        var edges: [(Int, Int, length: Double)] = []
        for _ in points.indices {
            var u = -1
            for v in points.indices where !inTree[v] && (u < 0 || best[v] < best[u]) { u = v }
            inTree[u] = true
            if parent[u] >= 0 { edges.append((parent[u], u, best[u])) }
            for v in points.indices where !inTree[v] {
                let d = ((points[u].x - points[v].x) * (points[u].x - points[v].x) + (points[u].y - points[v].y) * (points[u].y - points[v].y)).squareRoot()
                if d < best[v] { best[v] = d; parent[v] = u }
            }
        }
        return edges
    }

    /// The weekly hours of a grid under `model`, by part.
    public static func hours(_ f: GridFigures, model m: WorkloadModel) -> GridHours {
        let incidentHours = f.incidents.reduce(0) { $0 + Double($1.count) * m.incidentHours(type: $1.type) }
        return GridHours(figures: f, parts: [m.visitHours(households: f.households),
                                             m.flagHours(elderlyAlone: f.elderlyAlone, disabled: f.disabled, lowIncome: f.lowIncome, keyPersons: f.keyPersons),
                                             incidentHours, m.patrolHours(km: f.patrolKm) * f.patrolSlowdown, m.upkeepHours(records: f.records)])
    }
}

/// The model's parts as functions, so anything that sums them (a grid, a block, one address)
/// uses the same arithmetic.
extension WorkloadModel {
    static let weeksPerMonth = 12.0 / 52.0

    public func visitHours(households: Int) -> Double {
        Double(households) * self["household_visits_per_month"] * Self.weeksPerMonth * self["household_visit_hours"]
    }

    public func flagHours(elderlyAlone: Int, disabled: Int, lowIncome: Int, keyPersons: Int) -> Double {
        (Double(elderlyAlone) * self["elderly_alone_visits_per_month"] + Double(disabled) * self["disabled_visits_per_month"]
            + Double(lowIncome) * self["low_income_visits_per_month"] + Double(keyPersons) * self["key_persons_visits_per_month"])
            * Self.weeksPerMonth * self["flag_visit_hours"]
    }

    /// One incident of the layer's 12 months, as hours a week.
    public func incidentHours(type: String) -> Double {
        let key = type + "_hours"
        return (parameters.contains { $0.key == key } ? self[key] : self["other_incident_hours"]) / self["incident_weeks"]
    }

    /// A patrol route of `km` (the courtyard tree with its detour), walked as the model says.
    public func patrolHours(km: Double) -> Double {
        self["patrols_per_day"] * self["patrol_days_per_week"] * self["patrol_share_of_route"] * km / self["walking_speed_kmh"]
    }

    public func upkeepHours(records: Int) -> Double { Double(records) * self["upkeep_hours_per_record"] }

    /// One address record's hours apart from patrol (visits, flags, upkeep).
    public func addressHours(_ a: AddressRecord) -> Double {
        visitHours(households: a.households) + flagHours(elderlyAlone: a.elderlyAlone, disabled: a.disabled, lowIncome: a.lowIncome, keyPersons: a.keyPersons)
            + upkeepHours(records: 1)
    }

    /// Patrol hours shared out to points, additively: the points' courtyard cells (`route_cell_m`)
    /// are joined by their minimum spanning tree, each edge's length (with the detour) split
    /// between its two cells, each cell's share split between its points. Summed over any set of
    /// the points this approximates the patrol of a grid made of them; summed over all it is the
    /// patrol of the whole tree. `points` metric; the result is in input order.
    public func patrolShares(_ points: [Coordinate], elevation: ElevationModel? = nil) -> [Double] {
        let cell = self["route_cell_m"]
        var cellOf = [Int](repeating: 0, count: points.count)
        var index: [Int64: Int] = [:]
        var sums: [(x: Double, y: Double, n: Int)] = []
        for (i, p) in points.enumerated() {
            let key = WorkloadCalculator.courtyardCell(p, size: cell)
            if let c = index[key] { cellOf[i] = c; sums[c].x += p.x; sums[c].y += p.y; sums[c].n += 1 } else {
                index[key] = sums.count; cellOf[i] = sums.count; sums.append((p.x, p.y, 1))
            }
        }
        let centres = sums.map { Coordinate($0.x / Double($0.n), $0.y / Double($0.n)) }
        var share = [Double](repeating: 0, count: centres.count)
        for (a, b, length) in WorkloadCalculator.spanningTreeEdges(centres) {
            let slowdown = WorkloadCalculator.slowdown([(centres[a], centres[b])], elevation, maxGradient: self["path_max_gradient"])
            let h = patrolHours(km: length * self["route_detour"] / 1000) * slowdown / 2
            share[a] += h; share[b] += h
        }
        return points.indices.map { share[cellOf[$0]] / Double(sums[cellOf[$0]].n) }
    }
}
