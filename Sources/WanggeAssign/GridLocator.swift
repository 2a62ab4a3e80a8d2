// The one rule for "which grid does this point belong to", used by assign, export, the gazetteer
// (and so geocode) and everything after them.
//
// 1. By geometry alone (a phone's coordinates): the grid that covers the point; on a boundary
//    shared by several grids, the lowest code (`GridIndex`); in no grid: outside, with the
//    nearest grid and its distance in metres (`NearestGrid`).
// 2. When the point's own village is known (an address record, a geocoded house number): the
//    grid *of that village* that covers it (lowest code on a shared boundary); if none does —
//    the point lies just over the village line — the village's grid nearest to it. A household
//    registered with a village is served by that village's grid worker, so the village and the
//    grid of an answer never disagree.
import WanggeCRS
import WanggeGeometry

public final class GridLocator: @unchecked Sendable {
    public let gridSet: GridSet
    /// Grid indices per village code, in code order.
    private let byVillage: [String: [Int]]
    /// For points beyond the lattice (far outside the district). Used from one thread at a time,
    /// as every PROJ object here.
    private let toMetric: CoordinateTransform

    public init(_ set: GridSet) throws {
        self.gridSet = set
        toMetric = try CoordinateTransform(from: .wgs84, to: set.metricCRS)
        var byVillage: [String: [Int]] = [:]
        for (i, g) in set.grids.enumerated() { byVillage[g.villageCode, default: []].append(i) }
        self.byVillage = byVillage
    }

    public var grids: [GridInfo] { gridSet.grids }

    /// Rule 1: geometry alone (WGS-84 lon/lat).
    public func locate(_ c: Coordinate) -> Location { gridSet.index.locate(c.x, c.y) }

    /// Rule 1 for points in no grid: the nearest grid and the distance in metres.
    public func nearest(_ c: Coordinate) -> (grid: Int, distance: Double)? {
        guard let m = metric(c) else { return nil }
        return gridSet.nearest.nearest(m.x, m.y)
    }

    /// Rule 2 when `village` is given (and has grids); rule 1 otherwise (nil when outside).
    public func grid(at c: Coordinate, village: String?) -> Int? {
        let located = locate(c).gridIndex
        guard let village, let own = byVillage[village], !own.isEmpty else { return located }
        if let located, grids[located].villageCode == village { return located }
        // Lowest code of the village's grids that cover the point (boundary included).
        for g in own where gridSet.index.geometries[g].contains(where: { Planar.covers($0, c) }) { return g }
        guard let m = metric(c) else { return own[0] }
        var best = own[0], bestDistance = Double.infinity
        for g in own {
            let d = gridSet.metricPolygons[g].map { Planar.distance(from: m, to: $0) }.min() ?? .infinity
            if d < bestDistance { best = g; bestDistance = d }
        }
        return best
    }

    /// The village whose grid covers `c` (rule 1), as its code.
    public func villageCode(at c: Coordinate) -> String? {
        locate(c).gridIndex.map { grids[$0].villageCode }
    }

    private func metric(_ c: Coordinate) -> Coordinate? {
        gridSet.lattice.project(c.x, c.y) ?? (try? toMetric.transform(c))
    }
}

/// Planar point-in-polygon and distance, exact enough for lon/lat at district scale.
public enum Planar {
    /// True when `c` is inside `p` or on its boundary (even–odd over all rings).
    public static func covers(_ p: Polygon, _ c: Coordinate) -> Bool {
        var inside = false
        for ring in p.rings where ring.count >= 2 {
            var j = ring.count - 1
            for i in 0..<ring.count {
                let a = ring[i], b = ring[j]
                if onSegment(c, a, b) { return true }
                if (a.y > c.y) != (b.y > c.y), c.x < (b.x - a.x) * (c.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
                j = i
            }
        }
        return inside
    }

    static func onSegment(_ c: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Bool {
        guard c.x >= Swift.min(a.x, b.x), c.x <= Swift.max(a.x, b.x), c.y >= Swift.min(a.y, b.y), c.y <= Swift.max(a.y, b.y) else { return false }
        return Orientation.orient(a.x, a.y, b.x, b.y, c.x, c.y) == 0
    }

    /// Distance from `c` to `p` (0 inside), in the polygon's units.
    public static func distance(from c: Coordinate, to p: Polygon) -> Double {
        if covers(p, c) { return 0 }
        var best = Double.infinity
        for ring in p.rings where ring.count >= 2 {
            for i in 0..<(ring.count - 1) {
                best = Swift.min(best, segmentDistance(c, ring[i], ring[i + 1]))
            }
        }
        return best
    }

    static func segmentDistance(_ c: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let len2 = dx * dx + dy * dy
        var t = len2 > 0 ? ((c.x - a.x) * dx + (c.y - a.y) * dy) / len2 : 0
        t = Swift.max(0, Swift.min(1, t))
        let px = a.x + t * dx - c.x, py = a.y + t * dy - c.y
        return (px * px + py * py).squareRoot()
    }
}
