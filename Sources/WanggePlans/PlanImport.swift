// The QGIS round trip: a grid layer edited by hand comes back with vertices a few centimetres
// off the lines it should follow. Snapping them to the block and village edges (in the metric
// CRS, where a tolerance in metres means something) restores the shared edges exactly, then the
// grid check decides whether the edit is a plan.
import Foundation
import WanggeAssign
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggeWorkload

/// A plan that failed the grid check (on import or init): every problem, nothing recorded.
public struct PlanImportRejected: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var problems: [GridProblem]

    public var description: String {
        "\(file) is not a valid plan (\(problems.count) problem\(problems.count == 1 ? "" : "s")); nothing was recorded:\n"
            + problems.map { "  FAIL \($0.kind.rawValue) \($0)" }.joined(separator: "\n") + "\n"
    }
}

public struct PlanImport {
    /// Vertices within this distance (metres) of a block or village vertex are moved onto it.
    public var tolerance: Double

    public init(tolerance: Double = 0.5) {
        self.tolerance = tolerance
    }

    /// What an import did besides the check.
    public struct Outcome: Sendable {
        public var plan: Plan
        /// Grids whose geometry snapping changed, by code.
        public var snapped: [String]
        /// Blocks whose grid_code changed (id, from, to).
        public var blocksMoved: [(id: String, from: String, to: String)]
        /// `plan`'s grids as the import indexed and measured them, for `PlanDiff` and `PlanSummary`.
        public var measured: PlanMeasure
    }

    /// Snaps `grids` to `current`'s blocks and the villages, validates them, and gives the new plan
    /// (the current blocks re-assigned to the grids they now lie in), or throws `PlanImportRejected`.
    ///
    /// Only vertices that are not already a vertex of the current plan (its grids and blocks) or of
    /// the villages move: each goes to the nearest such vertex within the tolerance, else to the
    /// nearest point of a block or village edge within it. (GEOS's whole-geometry snap was tried
    /// first: on an unedited plan it pulls legitimate vertices onto nearby village vertices and
    /// inserts vertices into edges, opening 18 gaps and overlaps of 1–10 m² against neighbours.)
    /// With `layers`, the figure properties of new and reshaped grids are recomputed (see `refreshFigures`).
    public func run(grids input: FeatureCollection, file: String, current: Plan, boundaries: DistrictBoundaries,
                    layers: DistrictLayers? = nil) throws -> Outcome {
        let metricCRS = boundaries.profile.metricCRS
        let toMetric = try PROJTransformer(from: .wgs84, to: metricCRS)
        let toWGS84 = try PROJTransformer(from: metricCRS, to: .wgs84)

        // Reference per village: its vertices (exact WGS-84 originals kept, so a vertex snapped
        // onto one goes back bit for bit) and its edges — built only for a village where some
        // grid is not as the current plan has it: elsewhere every vertex is one of the reference's
        // own, nothing snaps, and transforming the district's 440,000 vertices was half an import.
        var references: [String: SnapReference] = [:]
        // The current grids' vertices in metres: an edited layer is mostly the same vertices, and
        // a transform is a pure function of its input, so each is looked up, not transformed again.
        var gridMetric: [Coordinate: Coordinate] = [:]
        func add(_ g: Geometry, to r: inout SnapReference, edges: Bool) throws {
            for p in g.polygons {
                for ring in p.rings {
                    let m = try toMetric.transform(ring)
                    for (c, w) in zip(m, ring) where r.exact[c] == nil { r.exact[c] = w }
                    if edges { r.rings.append(m) } else { for (c, w) in zip(m, ring) { gridMetric[w] = c } }
                }
            }
        }
        func gridVillage(_ f: Feature) -> String { f.string("village_code") ?? String(Plan.gridCode(f).prefix(12)) }
        var blocksOf: [String: [Geometry]] = [:], gridsOf: [String: [Geometry]] = [:]
        for b in current.blocks.features {
            guard let vc = b.string("village_code"), let g = b.geometry else { continue }
            blocksOf[vc, default: []].append(g)
        }
        for f in current.grids.features {
            guard let g = f.geometry else { continue }
            gridsOf[gridVillage(f), default: []].append(g)
        }
        let villageCodes = Set(boundaries.villages.map(\.code))
        /// The village's reference: its outline, then its blocks, then its grids (the order every
        /// tie is broken in); nil when the district and the plan have nothing of it.
        func reference(_ village: String) throws -> SnapReference? {
            if let r = references[village] { return r }
            guard villageCodes.contains(village) || blocksOf[village] != nil || gridsOf[village] != nil else { return nil }
            var r = SnapReference()
            for v in boundaries.villages where v.code == village { try add(v.geometry, to: &r, edges: true) }
            for g in blocksOf[village] ?? [] { try add(g, to: &r, edges: true) }
            for g in gridsOf[village] ?? [] { try add(g, to: &r, edges: false) }
            references[village] = r
            return r
        }
        let currentByCode = Dictionary(current.grids.features.map { (Plan.gridCode($0), $0) }, uniquingKeysWith: { a, _ in a })

        var features = input.features
        var snapped: [String] = []
        for (i, f) in features.enumerated() {
            guard let g = f.geometry, !g.polygons.isEmpty, g.typeName == "Polygon" || g.typeName == "MultiPolygon" else { continue }
            let village = gridVillage(f)
            // A grid as the plan has it, in the same village: its vertices are its reference's own.
            if let c = currentByCode[Plan.gridCode(f)], c.geometry == g, gridVillage(c) == village { continue }
            guard let reference = try reference(village) else { continue }
            var changed = false
            let out = try g.mapSequences { (ring: [Coordinate]) throws -> [Coordinate] in
                var result: [Coordinate] = []
                for w in ring {
                    let m = try gridMetric[w] ?? toMetric.transform(w)
                    if reference.exact[m] != nil { result.append(w); continue }
                    guard let s = reference.snap(m, tolerance: tolerance) else { result.append(w); continue }
                    changed = true
                    let back = try reference.exact[s] ?? toWGS84.transform(s)
                    if result.last != back { result.append(back) }
                }
                return result
            }
            guard changed else { continue }
            features[i].geometry = out
            snapped.append(Plan.gridCode(f))
        }
        let edited = FeatureCollection(features: features, foreignMembers: input.foreignMembers)
        let report = try GridValidation().run(edited, boundaries: boundaries)
        guard report.passed else { throw PlanImportRejected(file: file, problems: report.problems) }

        // One index of the new grids serves the blocks' reassignment, the figures, and then the
        // caller's diff and summary (the figures written change none of what it indexes).
        let locator = try GridLocator(GridSet(collection: edited, metricCRS: metricCRS))
        let (blocks, moved) = try Self.reassign(current.blocks, to: locator, context: GEOSContext())
        var grids = edited
        var figures: [GridFigures]?
        if let layers {
            let old = Dictionary(current.grids.features.map { (Plan.gridCode($0), $0.geometry) }, uniquingKeysWith: { a, _ in a })
            let reshaped = Set(edited.features.filter { old[Plan.gridCode($0)] != .some($0.geometry) }.map(Plan.gridCode))
            if !reshaped.isEmpty {
                figures = try WorkloadCalculator.figures(locator: locator, boundaries: boundaries, layers: layers, model: .standard)
                grids = try Self.writeFigures(figures!, into: edited, codes: reshaped, metricPolygons: locator.gridSet, blocks: blocks)
            }
        }
        return Outcome(plan: Plan(grids: grids, blocks: blocks), snapped: snapped.sorted(), blocksMoved: moved,
                       measured: PlanMeasure(locator: locator, figures: figures, model: .standard))
    }

    /// The figure properties a partition writes (workload, households, residents, flagged,
    /// incidents, addresses, area_m2, perimeter_m, polsby_popper, blocks), recomputed for the grids
    /// in `codes` — a merge in QGIS keeps one grid's stale numbers. Only properties the feature
    /// already has are rewritten, so the layer's columns stay the same; other grids keep theirs.
    /// - Parameter villages: when the grids in `codes` all lie in these villages, only their grids,
    ///   addresses and incidents are measured — the same figures (a point is placed among its own
    ///   village's grids), without the rest of the district's work.
    static func refreshFigures(_ grids: FeatureCollection, codes: Set<String>, blocks: FeatureCollection,
                               boundaries: DistrictBoundaries, layers: DistrictLayers, villages: Set<String>? = nil,
                               model: WorkloadModel = .standard) throws -> FeatureCollection {
        guard !codes.isEmpty else { return grids }
        var measured = grids, pointLayers = layers
        if let villages {
            measured.features = grids.features.filter { villages.contains($0.string("village_code") ?? String(Plan.gridCode($0).prefix(12))) }
            pointLayers.addresses = layers.addresses.filter { villages.contains($0.villageCode) }
            pointLayers.incidents = layers.incidents.filter { villages.contains($0.villageCode) }
        }
        // One grid set serves the figures and the metric shapes (each PROJ set-up costs milliseconds).
        let set = try GridSet(collection: measured, metricCRS: boundaries.profile.metricCRS)
        let figures = try WorkloadCalculator.figures(locator: GridLocator(set), boundaries: boundaries, layers: pointLayers, model: model)
        return try writeFigures(figures, into: grids, codes: codes, metricPolygons: set, blocks: blocks, model: model)
    }

    /// The figure properties of the grids in `codes` set from `figures` (and `set`'s metric
    /// shapes); see `refreshFigures`.
    static func writeFigures(_ figures: [GridFigures], into grids: FeatureCollection, codes: Set<String>, metricPolygons set: GridSet,
                             blocks: FeatureCollection, model: WorkloadModel = .standard) throws -> FeatureCollection {
        let byCode = Dictionary(figures.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let metricByCode = Dictionary(zip(set.grids.map(\.code), set.metricPolygons), uniquingKeysWith: { a, _ in a })
        var blockCount: [String: Int] = [:]
        for b in blocks.features { if let g = b.string("grid_code") { blockCount[g, default: 0] += 1 } }
        func number(_ v: Double, _ decimals: Int) -> JSONValue {
            let scale = pow(10.0, Double(decimals))
            return .number(JSONNumber((v * scale).rounded() / scale))
        }
        var out = grids
        for (k, f) in grids.features.enumerated() {
            let code = Plan.gridCode(f)
            guard codes.contains(code), let fig = byCode[code], let polygons = metricByCode[code], f.properties != nil else { continue }
            let area = polygons.reduce(0) { $0 + $1.planarArea }, perimeter = polygons.reduce(0) { $0 + $1.planarPerimeter }
            let values: [(String, JSONValue)] = [
                ("workload", number(WorkloadCalculator.hours(fig, model: model).total, 2)),
                ("households", .number(JSONNumber(fig.households))), ("residents", .number(JSONNumber(fig.residents))),
                ("flagged", .number(JSONNumber(fig.elderlyAlone + fig.disabled + fig.lowIncome + fig.keyPersons))),
                ("incidents", .number(JSONNumber(fig.incidentCount))), ("addresses", .number(JSONNumber(fig.records))),
                ("area_m2", number(area, 0)), ("perimeter_m", number(perimeter, 0)),
                ("polsby_popper", number(perimeter > 0 ? 4 * Double.pi * area / (perimeter * perimeter) : 0, 3)),
                ("blocks", .number(JSONNumber(blockCount[code] ?? 0))),
            ]
            for (key, value) in values where f.properties?[key] != nil { out.features[k].properties!.set(key, value) }
        }
        return out
    }

    /// Each block goes to the grid of its village holding a point inside it (GEOS point on surface,
    /// placed by `GridLocator`, the project's one point-to-grid rule).
    static func reassign(_ blocks: FeatureCollection, to locator: GridLocator,
                         context: GEOSContext) throws -> (FeatureCollection, [(id: String, from: String, to: String)]) {
        guard !blocks.features.isEmpty else { return (blocks, []) }
        var out = blocks
        var moved: [(id: String, from: String, to: String)] = []
        for (i, b) in blocks.features.enumerated() {
            guard let g = b.geometry, !g.polygons.isEmpty else { continue }
            guard case .point(let p) = try context.geometry(from: g).pointOnSurface().value() else { continue }
            guard let k = locator.grid(at: p, village: b.string("village_code")) else { continue }
            let to = locator.grids[k].code, from = b.string("grid_code") ?? ""
            guard to != from else { continue }
            out.features[i].properties?.set("grid_code", .string(to))
            moved.append((Plan.blockID(b), from, to))
        }
        return (out, moved.sorted { $0.id < $1.id })
    }
}

extension JSONObject {
    /// Replaces `key`'s value in place (keeping the member order), or appends it.
    mutating func set(_ key: String, _ value: JSONValue) {
        if let k = members.firstIndex(where: { $0.key == key }) { members[k].value = value } else { members.append(JSONMember(key, value)) }
    }
}

/// The vertices and edges a village's grids may snap to, in the metric CRS.
struct SnapReference {
    /// Metric vertex → its exact WGS-84 original.
    var exact: [Coordinate: Coordinate] = [:]
    var rings: [[Coordinate]] = []

    /// The nearest vertex within `tolerance` (equal distances: the lower x, then y), else the
    /// nearest point on an edge within it (equal distances: the first edge in ring order).
    func snap(_ p: Coordinate, tolerance: Double) -> Coordinate? {
        func distance(_ c: Coordinate) -> Double { ((c.x - p.x) * (c.x - p.x) + (c.y - p.y) * (c.y - p.y)).squareRoot() }
        var best: Coordinate?, bestD = tolerance
        for c in exact.keys {
            let d = distance(c)
            guard d <= tolerance else { continue }
            if best == nil || d < bestD || (d == bestD && (c.x, c.y) < (best!.x, best!.y)) { best = c; bestD = d }
        }
        if best != nil { return best }
        for ring in rings where ring.count > 1 {
            for k in 1..<ring.count {
                let a = ring[k - 1], b = ring[k]
                let dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy
                guard l2 > 0 else { continue }
                let t = max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2))
                let q = Coordinate(a.x + t * dx, a.y + t * dy)
                let d = distance(q)
                if d <= tolerance && (best == nil || d < bestD) { best = q; bestD = d }
            }
        }
        return best
    }
}
