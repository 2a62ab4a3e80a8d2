import Foundation
import WanggeGeometry
import WanggeGrids

/// One lower-order line: where the courtyards (院落) of one villager group or street end and the
/// next begin, inside one village.
struct CourtyardEdge {
    var villageCode: String
    /// What the line separates: "组" (villager groups) or "街" (the houses of different streets).
    var between: String
    var line: [Coordinate]
}

/// The lower-order lines of `paths.geojson`: inside each village, the edges between the
/// courtyards of different villager groups (the field paths and banks that part one group's
/// houses from the next) and, in towns, the back-lot lines between the houses of different
/// streets. Each house's courtyard is its Voronoi cell among the village's houses; the lines are
/// the cell edges with a different group or street on either side, clipped to the village.
/// Derived from the addresses alone (no random numbers), so the other layers do not change.
enum CourtyardEdges {
    /// How far (m) the lines run on beyond the village outline.
    static let overshoot = 3.0


    static func lines(villages: [(code: String, polygon: Polygon)], addresses: [AddressPoint],
                      context ctx: GEOSContext) throws -> [CourtyardEdge] {
        var byVillage: [String: [AddressPoint]] = [:]
        for a in addresses { byVillage[a.villageCode, default: []].append(a) }
        var out: [CourtyardEdge] = []
        for v in villages {
            out += try lines(of: v.polygon, code: v.code, houses: byVillage[v.code] ?? [], context: ctx)
        }
        return out
    }

    /// A house's courtyard belongs to its villager group, or to its street in a town.
    static func owner(_ a: AddressPoint) -> String {
        a.kind == "group" ? "组\(a.group ?? 0)" : "街\(a.street ?? "")"
    }

    static func lines(of village: Polygon, code: String, houses: [AddressPoint], context ctx: GEOSContext) throws -> [CourtyardEdge] {
        // One site per position (the first address there, in id order, owns it).
        var sites: [(Coordinate, String)] = []
        var seen = Set<[Double]>()
        for a in houses.sorted(by: { $0.id < $1.id }) where seen.insert([a.position.x, a.position.y]).inserted {
            sites.append((a.position, owner(a)))
        }
        let owners = Array(Set(sites.map(\.1))).sorted()
        guard owners.count >= 2 else { return [] }
        let env = Geometry.polygon(village).envelope!
        let frame = Polygon(exterior: [
            Coordinate(env.minX - 100, env.minY - 100), Coordinate(env.maxX + 100, env.minY - 100),
            Coordinate(env.maxX + 100, env.maxY + 100), Coordinate(env.minX - 100, env.maxY + 100),
            Coordinate(env.minX - 100, env.minY - 100),
        ])
        let cells = try ctx.geometry(from: .multiPoint(sites.map(\.0)))
            .voronoiCells(envelope: try ctx.geometry(from: .polygon(frame))).value().polygons
        // Every point of a cell is nearest its own site, the cell's centroid too.
        let finder = NearestSite(sites.map(\.0))
        var cellsOf = [[Polygon]](repeating: [], count: owners.count)
        let ownerIndex = Dictionary(uniqueKeysWithValues: owners.enumerated().map { ($1, $0) })
        for cell in cells {
            let site = finder.nearest(to: FaceNetwork.centroid(cell))
            cellsOf[ownerIndex[sites[site].1]!].append(cell)
        }
        var rings: [[Coordinate]] = []
        for group in cellsOf where !group.isEmpty {
            let region = try ctx.union(of: try group.map { try ctx.geometry(from: .polygon($0)) }).value()
            for p in region.polygons { rings += p.rings }
        }
        // Each edge between two owners is in both regions' rings: the union keeps it once.
        let linework = try ctx.geometry(from: .multiLineString(rings)).unaryUnion()
        // Clipped 3 m beyond the outline, so every line crosses it: a line ending on the outline
        // at a shallow angle, once rounded to 7 decimals, could stop a centimetre short.
        let reach = try ctx.geometry(from: .polygon(village)).buffer(width: overshoot)
        let inside = try linework.intersection(reach).lineMerge().value()
        // Every piece is kept, however short: one between two junctions closes the faces.
        return lineStrings(inside).filter { PolylineMeasure($0).length > 0 }
            .map { CourtyardEdge(villageCode: code, between: owners.allSatisfy { $0.hasPrefix("组") } ? "组" : "街", line: $0) }
    }

    static func lineStrings(_ g: Geometry) -> [[Coordinate]] {
        switch g {
        case .lineString(let l): return [l]
        case .multiLineString(let ls): return ls
        case .geometryCollection(let gs): return gs.flatMap(lineStrings)
        default: return []
        }
    }
}

/// The nearest of a fixed set of points, through a bucket grid.
struct NearestSite {
    let points: [Coordinate]
    let size = 50.0
    private var buckets: [[Int]: [Int]] = [:]

    init(_ points: [Coordinate]) {
        self.points = points
        for (k, p) in points.enumerated() { buckets[key(p), default: []].append(k) }
    }

    private func key(_ p: Coordinate) -> [Int] { [Int((p.x / size).rounded(.down)), Int((p.y / size).rounded(.down))] }

    /// Rings of buckets outward until the nearest found cannot be beaten by a farther ring.
    func nearest(to p: Coordinate) -> Int {
        let c = key(p)
        var best = (distance: Double.infinity, index: 0)
        var r = 0
        while true {
            for i in (c[0] - r)...(c[0] + r) {
                for j in (c[1] - r)...(c[1] + r) where max(abs(i - c[0]), abs(j - c[1])) == r {
                    for k in buckets[[i, j]] ?? [] {
                        let d = hypot(points[k].x - p.x, points[k].y - p.y)
                        if (d, k) < (best.distance, best.index) { best = (d, k) }
                    }
                }
            }
            if best.distance <= Double(r) * size || r > 100_000 { return best.index }
            r += 1
        }
    }
}
