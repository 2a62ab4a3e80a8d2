import Foundation
import WanggeCRS
import WanggeGeometry
import WanggeIO
import WanggeGeoJSON

/// Writes a plan: grids.geojson and blocks.geojson (WGS-84, RFC 7946) and report.json, each
/// atomically.
public struct GridPlanWriter {
    public init() {}

    private func n(_ v: Double, _ decimals: Int) -> JSONValue {
        let scale = pow(10, Double(decimals))
        return .number(JSONNumber((v * scale).rounded() / scale))
    }

    private func i(_ v: Int) -> JSONValue { .number(JSONNumber(v)) }

    public func gridsCollection(_ plan: GridPlan) throws -> FeatureCollection {
        let geometry = try projected(plan.grids.map { ($0.villageCode, $0.polygon) }, plan: plan, repairing: true)
        return FeatureCollection(features: plan.grids.enumerated().map { k, g in
            Feature(id: .string(g.code), properties: [
                "code": .string(g.code), "name": .string(g.name),
                "village_code": .string(g.villageCode), "village": .string(g.village),
                "township_code": .string(g.townshipCode), "township": .string(g.township),
                "workload": n(g.workload, 2), "households": i(g.figures.households), "residents": i(g.figures.residents),
                "flagged": i(g.figures.flagged), "incidents": i(g.figures.incidents), "addresses": i(g.figures.addresses),
                "area_m2": n(g.area, 0), "perimeter_m": n(g.perimeter, 0), "polsby_popper": n(g.polsbyPopper, 3),
                "blocks": i(g.blockCount),
            ], geometry: .polygon(geometry[k]))
        }, foreignMembers: [JSONMember("name", .string("grids"))])
    }

    /// Blocks as written: each valid in WGS-84 after rounding (cleaned again where it was not), and
    /// carrying the codes `wangge validate` reads (`grid_code` as `code` once dissolved), so that
    /// dissolving them by `grid_code` — as a QGIS or GDAL user does — gives the grids.
    public func blocksCollection(_ plan: GridPlan) throws -> FeatureCollection {
        let geometry = try projected(plan.blocks.map { ($0.villageCode, $0.polygon) }, plan: plan, repairing: true,
                                     spikesOnlyWhenInvalid: true)
        return FeatureCollection(features: plan.blocks.enumerated().map { k, b in
            Feature(id: .string(b.id), properties: [
                "id": .string(b.id), "village_code": .string(b.villageCode),
                "township_code": .string(plan.grids[b.grid].townshipCode), "grid_code": .string(plan.grids[b.grid].code),
                "workload": n(b.workload, 2), "households": i(b.figures.households), "residents": i(b.figures.residents),
                "flagged": i(b.figures.flagged), "incidents": i(b.figures.incidents), "addresses": i(b.figures.addresses),
                "area_m2": n(b.area, 0), "refined": .bool(b.refined),
            ], geometry: .polygon(geometry[k]))
        }, foreignMembers: [JSONMember("name", .string("blocks"))])
    }

    /// Pieces (grids or blocks) in WGS-84, projected village by village so they fit the village
    /// outlines as read (see `OutlineFaithfulProjection`); same order as given. `repairing`:
    /// pieces that come out invalid are cleaned again with the stricter spike test.
    private func projected(_ pieces: [(village: String, polygon: Polygon)], plan: GridPlan,
                           repairing: Bool = false, spikesOnlyWhenInvalid: Bool = false) throws -> [Polygon] {
        let projection = OutlineFaithfulProjection(toWGS84: try CoordinateTransform(from: plan.metricCRS, to: .wgs84), decimals: 7)
        var out = [Polygon](repeating: Polygon(exterior: []), count: pieces.count)
        var byVillage: [String: [Int]] = [:]
        for (k, p) in pieces.enumerated() { byVillage[p.village, default: []].append(k) }
        for code in byVillage.keys.sorted() {
            let members = byVillage[code]!
            let done = try projection.project(members.map { pieces[$0].polygon }, village: plan.villageOutlines[code],
                                              repairing: repairing, spikesOnlyWhenInvalid: spikesOnlyWhenInvalid)
            for (k, p) in zip(members, done) { out[k] = p }
        }
        return out
    }

    /// The run report: overall figures and one entry per village.
    public func report(_ plan: GridPlan, seconds: Double?) -> JSONValue {
        let s = GridPlanSummary(plan)
        var overall: JSONObject = [
            "grids": i(plan.grids.count), "villages": i(plan.villages.count), "blocks": i(plan.blocks.count),
            "workload_mean": n(s.meanWorkload, 2), "workload_max_over_mean": n(s.maxOverMean, 4),
            "workload_cv": n(s.coefficientOfVariation, 4), "mean_polsby_popper": n(s.meanPolsbyPopper, 4),
            "villages_balanced": i(s.balancedVillages), "villages_with_several_grids": i(s.villagesWithSeveralGrids),
            "grids_within_tolerance_of_village_mean": i(s.gridsWithinTolerance), "tolerance": n(plan.tolerance, 3),
            "refined_blocks": i(plan.blocks.filter(\.refined).count),
            "straight_cuts": i(plan.villages.reduce(0) { $0 + $1.straightCuts }),
            "internal_boundary_m": .object(JSONObject(plan.internalBoundary.map { JSONMember($0.category, n($0.metres, 1)) })),
            "internal_boundary_on_natural_lines": n(plan.naturalShare, 4),
            "internal_boundary_on_natural_lines_outside_refinements": n(plan.naturalShareOutsideRefinements, 6),
            "unplaced_points": i(plan.unplacedPoints),
        ]
        if let seconds { overall.members.append(JSONMember("seconds", n(seconds, 3))) }
        let villages = plan.villages.map { v -> JSONValue in
            var o: JSONObject = [
                "code": .string(v.code), "name": .string(v.name), "township": .string(v.township), "kind": .string(v.kind),
                "blocks": i(v.blocks), "grids": i(v.grids), "workload_mean": n(v.meanWorkload, 2),
                "workload_max": n(v.maxWorkload, 2), "workload_max_over_mean": n(v.maxOverMean, 4),
                "workload_cv": n(v.coefficientOfVariation, 4), "mean_polsby_popper": n(v.meanPolsbyPopper, 4),
                "balanced": .bool(v.balanced), "refinements": i(v.refinements),
                "straight_cuts": i(v.straightCuts),
            ]
            if let note = v.note { o.members.append(JSONMember("note", .string(note))) }
            return .object(o)
        }
        return .object(["overall": .object(overall), "villages": .array(villages)])
    }

    /// The plan's block graphs as a partition problem (docs/PARTITION.md, "interchange JSON"):
    /// the same blocks, adjacency, workloads and grid counts the planner used, for comparing
    /// partitioners. Villages with one grid have nothing to partition and are left out.
    public func problem(_ plan: GridPlan, name: String) -> JSONValue {
        var blocksByVillage: [String: [Block]] = [:]
        for b in plan.blocks { blocksByVillage[b.villageCode, default: []].append(b) }
        let villages = plan.villages.filter { $0.grids > 1 }.map { v -> JSONValue in
            let blocks = blocksByVillage[v.code] ?? []
            return .object([
                "code": .string(v.code), "k": i(v.grids),
                "weights": .array(blocks.map { n($0.workload, 3) }),
                "areas": .array(blocks.map { n($0.area, 1) }),
                "perimeters": .array(blocks.map { n($0.perimeter, 1) }),
                "edges": .array(v.edges.map { .array([i($0.a), i($0.b), n($0.length, 2)]) }),
                "centroids": .array(blocks.map { b in
                    let c = FaceNetwork.centroid(b.polygon)
                    return .array([n(c.x, 1), n(c.y, 1)])
                }),
            ])
        }
        return .object(["name": .string(name), "villages": .array(villages)])
    }

    /// Writes grids.geojson, blocks.geojson and report.json into `directory` as one set: all
    /// three are encoded first, then replaced together (`AtomicFileSet`), so a failed or killed
    /// run leaves the previous set and two runs at once leave one run's set, never a mix.
    /// `beforeCommit` runs after everything is encoded and staged, before anything is replaced:
    /// a check that throws there (`GridPlan.checkValid`) leaves the previous set untouched.
    public func write(_ plan: GridPlan, to directory: String, seconds: Double?,
                      beforeCommit: () throws -> Void = {}) throws {
        try write(plan, grids: try gridsCollection(plan), to: directory, seconds: seconds, beforeCommit: beforeCommit)
    }

    /// `write`, with the grids already projected (`gridsCollection(plan)`, e.g. shared with the
    /// check that runs beside the writing).
    public func write(_ plan: GridPlan, grids gridFeatures: FeatureCollection, to directory: String, seconds: Double?,
                      beforeCommit: () throws -> Void = {}) throws {
        let writer = GeoJSONWriter(options: .init(decimals: 7))
        let grids = try writer.encode(gridFeatures)
        let blocks = try writer.encode(try blocksCollection(plan))
        let report = Array((report(plan, seconds: seconds).jsonText + "\n").utf8)
        let set = try AtomicFileSet(directory: directory)
        try set.write("grids.geojson", grids)
        try set.write("blocks.geojson", blocks)
        try set.write("report.json", report)
        try beforeCommit()
        try set.commit()
    }
}

/// District-wide figures of a plan.
public struct GridPlanSummary: Sendable {
    public var meanWorkload: Double
    /// Worst grid's workload over its own village's mean, over villages with several grids.
    public var maxOverMean: Double
    /// Mean over villages with several grids of their coefficient of variation.
    public var coefficientOfVariation: Double
    public var meanPolsbyPopper: Double
    public var balancedVillages: Int
    public var villagesWithSeveralGrids: Int
    public var gridsWithinTolerance: Int

    public init(_ plan: GridPlan) {
        let several = plan.villages.filter { $0.grids > 1 }
        meanWorkload = plan.grids.reduce(0) { $0 + $1.workload } / Double(max(plan.grids.count, 1))
        maxOverMean = several.map(\.maxOverMean).max() ?? 1
        coefficientOfVariation = several.isEmpty ? 0 : several.reduce(0) { $0 + $1.coefficientOfVariation } / Double(several.count)
        meanPolsbyPopper = plan.grids.reduce(0) { $0 + $1.polsbyPopper } / Double(max(plan.grids.count, 1))
        balancedVillages = several.filter(\.balanced).count
        villagesWithSeveralGrids = several.count
        var within = 0
        for v in plan.villages {
            for g in plan.grids where g.villageCode == v.code {
                if v.grids == 1 || v.meanWorkload == 0 || abs(g.workload - v.meanWorkload) <= plan.tolerance * v.meanWorkload + 1e-9 { within += 1 }
            }
        }
        gridsWithinTolerance = within
    }
}
