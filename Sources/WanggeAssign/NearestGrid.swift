// Nearest grid for points outside every grid, in metres (the district's metric CRS).
//
// Only boundary edges count (an edge two grids share is never the nearest thing to an outside
// point). A coarse raster over the district's metric bounding box (plus a margin) keeps, per cell,
// every edge that can be nearest to some point of the cell: with c the cell centre, h its half
// diagonal and d₀ the distance from c to its nearest edge, an edge at more than d₀ + 2h from c is
// farther from every point of the cell than that nearest edge is. Points beyond the raster scan all.
import WanggeGeometry

public final class NearestGrid: @unchecked Sendable {
    struct Tables {
        var edges: [SIMD4<Double>] = []
        var edgeGrid: [Int32] = []
        var start: [Int32] = []
        var list: [Int32] = []
        /// Distance from the cell centre to chain `list[j]`; each cell's list is sorted by it, so a
        /// query stops once dist(centre, chain) − |q − centre| exceeds the best distance found.
        var listDistance: [Double] = []
        var chainStart: [Int32] = []
        var chainBox: [SIMD4<Double>] = []
    }
    let t: Tables
    let minX: Double, minY: Double, cw: Double, ch: Double
    let n: Int

    /// `metricPolygons[i]`: grid i's polygons in a metric CRS (index order = `GridIndex` order).
    public convenience init(metricPolygons: [[Polygon]], resolution: Int = 128) {
        self.init(polygons: metricPolygons, toMetric: { $0 }, resolution: resolution)
    }

    /// `polygons[i]`: grid i's polygons as the grid file has them (index order = `GridIndex` order);
    /// `toMetric` takes coordinates of them to the metric CRS distances are measured in. Which edges
    /// two grids share is decided on the file's own coordinates, and only the others — the outline,
    /// a small part of the edges — are taken to metres: a metric copy of every grid was as large
    /// as the grids themselves.
    public init(polygons: [[Polygon]], toMetric: ([Coordinate]) throws -> [Coordinate], resolution: Int = 128) rethrows {
        var t = Tables()
        // Every edge as (ring, position): 8 bytes an edge, read from the rings when needed, instead of
        // a copy of its coordinates.
        var rings: [[Coordinate]] = [], ringGrid: [Int32] = []
        for (g, polys) in polygons.enumerated() {
            for p in polys { for ring in p.rings where ring.count >= 2 { rings.append(ring); ringGrid.append(Int32(g)) } }
        }
        var ids: [UInt64] = []
        for (r, ring) in rings.enumerated() {
            for i in 0..<(ring.count - 1) where ring[i] != ring[i + 1] { ids.append(UInt64(r) << 32 | UInt64(i)) }
        }
        @inline(__always) func edge(_ id: UInt64) -> SIMD4<Double> {
            let ring = rings[Int(id >> 32)], i = Int(id & 0xFFFF_FFFF)
            return SIMD4(ring[i].x, ring[i].y, ring[i + 1].x, ring[i + 1].y)
        }
        let shared = NearestGrid.sharedEdges(count: ids.count) { edge(ids[$0]) }
        // Degenerate coverage (every edge shared): keep everything.
        let keepAll = !shared.contains(false)
        var ends: [Coordinate] = []
        for (k, id) in ids.enumerated() where keepAll || !shared[k] {
            let ring = rings[Int(id >> 32)], i = Int(id & 0xFFFF_FFFF)
            ends.append(ring[i]); ends.append(ring[i + 1])
            t.edgeGrid.append(ringGrid[Int(id >> 32)])
        }
        ids = []
        let metricEnds = try toMetric(ends)
        ends = []
        var x0 = Double.infinity, y0 = Double.infinity, x1 = -Double.infinity, y1 = -Double.infinity
        t.edges.reserveCapacity(t.edgeGrid.count)
        for k in t.edgeGrid.indices {
            let a = metricEnds[2 * k], b = metricEnds[2 * k + 1]
            t.edges.append(SIMD4(a.x, a.y, b.x, b.y))
            x0 = Swift.min(x0, a.x, b.x); x1 = Swift.max(x1, a.x, b.x)
            y0 = Swift.min(y0, a.y, b.y); y1 = Swift.max(y1, a.y, b.y)
        }
        // Consecutive boundary edges (ring order) in chains of up to 16 with a bounding box:
        // the rasters list chains, a query opens a chain only if its box is close enough.
        var k = 0
        while k < t.edges.count {
            let end = Swift.min(t.edges.count, k + 16)
            var b = SIMD4(Double.infinity, Double.infinity, -Double.infinity, -Double.infinity)
            for e in t.edges[k..<end] {
                b = SIMD4(Swift.min(b.x, e.x, e.z), Swift.min(b.y, e.y, e.w), Swift.max(b.z, e.x, e.z), Swift.max(b.w, e.y, e.w))
            }
            t.chainStart.append(Int32(k)); t.chainBox.append(b)
            k = end
        }
        t.chainStart.append(Int32(t.edges.count))
        let margin = 0.25 * Swift.max(x1 - x0, y1 - y0, 1)
        minX = x0 - margin; minY = y0 - margin
        n = Swift.max(1, resolution)
        cw = (x1 - x0 + 2 * margin) / Double(n); ch = (y1 - y0 + 2 * margin) / Double(n)
        // Two levels: coarse cells from all chains, fine cells from their coarse cell's list.
        let coarse = Swift.max(1, n / 4)
        let ccw = cw * Double(n) / Double(coarse), cch = ch * Double(n) / Double(coarse)
        let everything = Array(0..<Int32(t.chainBox.count))
        var coarseLists: [[Int32]] = []
        for r in 0..<coarse {
            for c in 0..<coarse {
                let cx = minX + (Double(c) + 0.5) * ccw, cy = minY + (Double(r) + 0.5) * cch
                coarseLists.append(NearestGrid.candidates(t, cx, cy, 0.5 * (ccw * ccw + cch * cch).squareRoot(), everything).map(\.0))
            }
        }
        t.start = [0]
        for r in 0..<n {
            for c in 0..<n {
                let parent = coarseLists[Swift.min(coarse - 1, r * coarse / n) * coarse + Swift.min(coarse - 1, c * coarse / n)]
                let cx = minX + (Double(c) + 0.5) * cw, cy = minY + (Double(r) + 0.5) * ch
                for (k, d) in NearestGrid.candidates(t, cx, cy, 0.5 * (cw * cw + ch * ch).squareRoot(), parent) {
                    t.list.append(k); t.listDistance.append(d)
                }
                t.start.append(Int32(t.list.count))
            }
        }
        self.t = t
    }

    /// For each edge, whether another edge has the same two endpoints (either way round): a
    /// boundary two grids share. Indices sorted by the undirected edge find them as neighbours; a
    /// dictionary keyed by edge did the same with several times the memory on a big grid file.
    static func sharedEdges(_ edges: [SIMD4<Double>]) -> [Bool] {
        sharedEdges(count: edges.count) { edges[$0] }
    }

    /// The same for edges 0..<count, each given by `edge(k)`.
    static func sharedEdges(count: Int, _ edge: (Int) -> SIMD4<Double>) -> [Bool] {
        @inline(__always) func key(_ k: Int32) -> SIMD4<Double> {
            let e = edge(Int(k))
            return (e.x, e.y) < (e.z, e.w) ? e : SIMD4(e.z, e.w, e.x, e.y)
        }
        @inline(__always) func less(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> Bool { (a.x, a.y, a.z, a.w) < (b.x, b.y, b.z, b.w) }
        var order = Array(0..<Int32(count))
        order.sort { less(key($0), key($1)) }
        var shared = [Bool](repeating: false, count: count)
        var i = 0
        while i < order.count {
            let k = key(order[i])
            var j = i + 1
            while j < order.count, key(order[j]) == k { j += 1 }
            if j - i > 1 { for m in i..<j { shared[Int(order[m])] = true } }
            i = j
        }
        return shared
    }

    /// Distance from (x, y) to the nearest edge of chain `k`.
    private static func chainDistance(_ t: Tables, _ k: Int, _ x: Double, _ y: Double) -> Double {
        var best = Double.infinity
        for j in Int(t.chainStart[k])..<Int(t.chainStart[k + 1]) { best = Swift.min(best, NearestGrid.distanceSquared(t.edges[j], x, y)) }
        return best.squareRoot()
    }

    /// Chains that can hold the nearest edge of some point within `halfDiagonal` of (x, y),
    /// with their distance from (x, y), nearest first.
    private static func candidates(_ t: Tables, _ x: Double, _ y: Double, _ halfDiagonal: Double, _ from: [Int32]) -> [(Int32, Double)] {
        var d = [Double](repeating: 0, count: from.count)
        var best = Double.infinity
        for (i, k) in from.enumerated() {
            d[i] = chainDistance(t, Int(k), x, y)
            best = Swift.min(best, d[i])
        }
        let limit = best + 2 * halfDiagonal + 1e-6 * (1 + best)
        return from.indices.filter { d[$0] <= limit }.map { (from[$0], d[$0]) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
    }

    @inline(__always)
    static func distanceSquared(_ e: SIMD4<Double>, _ px: Double, _ py: Double) -> Double {
        let dx = e.z - e.x, dy = e.w - e.y
        let len2 = dx * dx + dy * dy
        var t = len2 > 0 ? ((px - e.x) * dx + (py - e.y) * dy) / len2 : 0
        t = Swift.min(1, Swift.max(0, t))
        let qx = e.x + t * dx - px, qy = e.y + t * dy - py
        return qx * qx + qy * qy
    }

    static func distance(_ e: SIMD4<Double>, _ px: Double, _ py: Double) -> Double {
        distanceSquared(e, px, py).squareRoot()
    }

    /// The nearest grid (lowest index on a tie) and the distance, in the metric CRS's units.
    /// The nearest grid to a finite point; a non-finite one gets grid 0 at infinite distance.
    public func nearest(_ x: Double, _ y: Double) -> (grid: Int, distance: Double) {
        guard x.isFinite, y.isFinite else { return (0, .infinity) }
        // Cell indices as doubles first: a point far outside must not overflow Int.
        let cx = ((x - minX) / cw).rounded(.down), ry = ((y - minY) / ch).rounded(.down)
        let inRaster = cx >= 0 && cx < Double(n) && ry >= 0 && ry < Double(n)
        let c = inRaster ? Int(cx) : -1, r = inRaster ? Int(ry) : -1
        var best = Double.infinity, bestGrid = Int32.max
        var bestDistance = Double.infinity
        func visit(_ k: Int) {
            let b = t.chainBox[k]
            let dx = Swift.max(b.x - x, 0, x - b.z), dy = Swift.max(b.y - y, 0, y - b.w)
            if dx * dx + dy * dy > best * (1 + 1e-12) { return }
            for j in Int(t.chainStart[k])..<Int(t.chainStart[k + 1]) {
                let d = NearestGrid.distanceSquared(t.edges[j], x, y)
                if d < best || (d == best && t.edgeGrid[j] < bestGrid) { best = d; bestGrid = t.edgeGrid[j] }
            }
            bestDistance = best.squareRoot() * (1 + 1e-12)
        }
        if c >= 0, c < n, r >= 0, r < n {
            let cell = r * n + c
            let dx = x - (minX + (Double(c) + 0.5) * cw), dy = y - (minY + (Double(r) + 0.5) * ch)
            let offset = (dx * dx + dy * dy).squareRoot() * (1 + 1e-12) + 1e-9
            for j in Int(t.start[cell])..<Int(t.start[cell + 1]) {
                if t.listDistance[j] - offset > bestDistance { break }
                visit(Int(t.list[j]))
            }
        } else {
            for k in t.chainBox.indices { visit(k) }
        }
        return (Int(bestGrid), best.squareRoot())
    }
}
