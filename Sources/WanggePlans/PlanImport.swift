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
    }

    /// Snaps `grids` to `current`'s blocks and the villages, validates them, and gives the new plan
    /// (the current blocks re-assigned to the grids they now lie in), or throws `PlanImportRejected`.
    public func run(grids input: FeatureCollection, file: String, current: Plan, boundaries: DistrictBoundaries) throws -> Outcome {
        let metricCRS = boundaries.profile.metricCRS
        let toMetric = try PROJTransformer(from: .wgs84, to: metricCRS)
        let toWGS84 = try PROJTransformer(from: metricCRS, to: .wgs84)
        let context = GEOSContext()

        // Reference edges per village: the village's rings and its blocks' rings. Every metric
        // vertex remembers its exact WGS-84 original, so a snapped vertex goes back bit for bit.
        var exact: [Coordinate: Coordinate] = [:]
        func metric(_ g: Geometry) throws -> Geometry {
            try g.mapCoordinates { c in
                let m = try toMetric.transform(c)
                if exact[m] == nil { exact[m] = c }
                return m
            }
        }
        var rings: [String: [[Coordinate]]] = [:]
        for v in boundaries.villages {
            for p in try metric(v.geometry).polygons { rings[v.code, default: []] += p.rings }
        }
        for b in current.blocks.features {
            guard let vc = b.string("village_code"), let g = b.geometry else { continue }
            for p in try metric(g).polygons { rings[vc, default: []] += p.rings }
        }

        var features = input.features
        var snapped: [String] = []
        for (i, f) in features.enumerated() {
            guard let g = f.geometry, !g.polygons.isEmpty, g.typeName == "Polygon" || g.typeName == "MultiPolygon" else { continue }
            let village = f.string("village_code") ?? String(Plan.gridCode(f).prefix(12))
            guard let reference = rings[village], !reference.isEmpty else { continue }
            let m = try metric(g)
            let handle = try context.geometry(from: m)
            let ref = try context.geometry(from: .multiLineString(reference))
            let s = try handle.snapped(to: ref, tolerance: tolerance).value()
            guard s != m else { continue }
            features[i].geometry = try s.mapCoordinates { c in try exact[c] ?? toWGS84.transform(c) }
            snapped.append(Plan.gridCode(f))
        }
        let edited = FeatureCollection(features: features, foreignMembers: input.foreignMembers)
        let report = try GridValidation().run(edited, boundaries: boundaries)
        guard report.passed else { throw PlanImportRejected(file: file, problems: report.problems) }

        let (blocks, moved) = try Self.reassign(current.blocks, to: edited, metricCRS: metricCRS, context: context)
        return Outcome(plan: Plan(grids: edited, blocks: blocks), snapped: snapped.sorted(), blocksMoved: moved)
    }

    /// Each block goes to the grid of its village holding a point inside it (GEOS point on surface,
    /// placed by `GridLocator`, the project's one point-to-grid rule).
    static func reassign(_ blocks: FeatureCollection, to grids: FeatureCollection, metricCRS: CRS,
                         context: GEOSContext) throws -> (FeatureCollection, [(id: String, from: String, to: String)]) {
        guard !blocks.features.isEmpty else { return (blocks, []) }
        let locator = try GridLocator(GridSet(collection: grids, metricCRS: metricCRS))
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
