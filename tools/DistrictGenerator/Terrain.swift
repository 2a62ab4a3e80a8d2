import Foundation
import WanggeGeometry

/// A north-up raster over the district's bounding box in the metric CRS. Cell (col, row) has its
/// centre at (minX + (col + ½)·size, maxY − (row + ½)·size); row 0 is the northern edge.
struct RasterFrame {
    let minX: Double
    let maxY: Double
    let cellSize: Double
    let width: Int
    let height: Int

    init(envelope: Envelope, cellSize: Double, margin: Double) {
        self.cellSize = cellSize
        minX = (envelope.minX - margin).rounded(.down)
        maxY = (envelope.maxY + margin).rounded(.up)
        width = Int(((envelope.maxX + margin - minX) / cellSize).rounded(.up))
        height = Int(((maxY - (envelope.minY - margin)) / cellSize).rounded(.up))
    }

    var count: Int { width * height }

    func centre(_ index: Int) -> Coordinate {
        let r = index / width, c = index % width
        return Coordinate(minX + (Double(c) + 0.5) * cellSize, maxY - (Double(r) + 0.5) * cellSize)
    }

    /// The lattice corner (i, j), 0 ≤ i ≤ width, 0 ≤ j ≤ height.
    func corner(_ i: Int, _ j: Int) -> Coordinate {
        Coordinate(minX + Double(i) * cellSize, maxY - Double(j) * cellSize)
    }

    func cell(containing p: Coordinate) -> Int? {
        let c = Int(((p.x - minX) / cellSize).rounded(.down))
        let r = Int(((maxY - p.y) / cellSize).rounded(.down))
        guard c >= 0, r >= 0, c < width, r < height else { return nil }
        return r * width + c
    }

    /// The eight neighbours of a cell, in a fixed order (determinism).
    static let offsets: [(dc: Int, dr: Int)] = [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)]

    @inline(__always) func neighbour(_ index: Int, _ k: Int) -> Int? {
        let r = index / width + RasterFrame.offsets[k].dr, c = index % width + RasterFrame.offsets[k].dc
        guard c >= 0, r >= 0, c < width, r < height else { return nil }
        return r * width + c
    }

    /// Cells whose centre lies inside `polygon` (even–odd rule), by scanline.
    func mask(_ polygon: Polygon) -> [Bool] {
        var inside = [Bool](repeating: false, count: count)
        var xs: [Double] = []
        for r in 0..<height {
            let y = maxY - (Double(r) + 0.5) * cellSize
            xs.removeAll(keepingCapacity: true)
            for ring in polygon.rings where ring.count > 1 {
                for k in 0..<(ring.count - 1) {
                    let a = ring[k], b = ring[k + 1]
                    if (a.y > y) != (b.y > y) {
                        xs.append(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x))
                    }
                }
            }
            xs.sort()
            var k = 0
            while k + 1 < xs.count {
                let c0 = max(0, Int(((xs[k] - minX) / cellSize - 0.5).rounded(.up)))
                let c1 = min(width - 1, Int(((xs[k + 1] - minX) / cellSize - 0.5).rounded(.down)))
                if c0 <= c1 { for c in c0...c1 { inside[r * width + c] = true } }
                k += 2
            }
        }
        return inside
    }
}

/// A min-heap of (key, cell) for priority-flood and Dijkstra; ties broken by cell index so the
/// order never depends on insertion history.
struct CellHeap {
    private var keys: [Double] = []
    private var cells: [Int32] = []

    var isEmpty: Bool { keys.isEmpty }

    @inline(__always) private func less(_ i: Int, _ j: Int) -> Bool {
        keys[i] < keys[j] || (keys[i] == keys[j] && cells[i] < cells[j])
    }

    mutating func push(_ key: Double, _ cell: Int) {
        keys.append(key); cells.append(Int32(cell))
        var i = keys.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard less(i, p) else { break }
            keys.swapAt(i, p); cells.swapAt(i, p); i = p
        }
    }

    mutating func pop() -> (key: Double, cell: Int) {
        let top = (keys[0], Int(cells[0]))
        let lastKey = keys.removeLast(), lastCell = cells.removeLast()
        if !keys.isEmpty {
            keys[0] = lastKey; cells[0] = lastCell
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < keys.count && less(l, m) { m = l }
                if r < keys.count && less(r, m) { m = r }
                if m == i { break }
                keys.swapAt(i, m); cells.swapAt(i, m); i = m
            }
        }
        return top
    }
}

/// The synthetic terrain and its hydrology: elevation, filled elevation, D8 flow, accumulation.
struct Terrain {
    let frame: RasterFrame
    var elevation: [Double]
    /// Downstream neighbour of each cell, or -1 where water leaves the raster.
    var downstream: [Int32] = []
    /// Number of cells draining through each cell (itself included).
    var accumulation: [Int32] = []
    /// Cells from highest to lowest filled elevation: every cell precedes its downstream cell.
    var topDown: [Int32] = []

    /// Builds a hilly-to-mountainous DEM: fractal and ridged noise rising away from the main river,
    /// whose valley is carved along `river` falling from `riverHead` to `riverMouth` metres.
    init(frame: RasterFrame, river: [Coordinate], riverHead: Double, riverMouth: Double, seed: UInt64) {
        self.frame = frame
        let noise = ValueNoise(seed: seed)
        let ridged = ValueNoise(seed: seed &+ 0x5851_F42D_4C95_7F2D)
        let along = PolylineMeasure(river)
        let field = DistanceField(frame: frame, line: along)
        var z = [Double](repeating: 0, count: frame.count)
        for i in 0..<frame.count {
            let p = frame.centre(i)
            let d = field.distance[i], s = field.station[i]
            let t = s / along.length
            let floor = riverHead + (riverMouth - riverHead) * t
            // Hills grow with distance from the river, mountains toward the south-west.
            let rise = 1 - exp(-d / 2500)
            let mountains = 500 + 900 * (1 - t)
            let n = noise.fbm(p.x / 3500, p.y / 3500, octaves: 6)
            let crest = 1 - abs(ridged.fbm(p.x / 7000, p.y / 7000, octaves: 5))
            let texture = 1 - exp(-d / 700)
            var h = floor + rise * mountains * (0.35 + 0.65 * crest * crest) + texture * 260 * n
            // A flat valley floor a few hundred metres wide, as the towns stand on.
            if d < 300 { h = floor + max(0, h - floor) * pow(d / 300, 2) * 0.3 }
            z[i] = h
        }
        elevation = z
    }

    /// Priority-flood depression filling (Barnes et al. 2014, with a tiny gradient so every cell
    /// drains), then D8 flow direction and flow accumulation.
    /// A few rounds of stream-power carving: channels cut down in proportion to the square root
    /// of their drainage area, which turns noise into branching valleys.
    mutating func erode(rounds: Int, depthPerRootCell: Double, maxDepth: Double) {
        for _ in 0..<rounds {
            computeHydrology()
            for i in 0..<frame.count {
                elevation[i] -= min(maxDepth, depthPerRootCell * Double(accumulation[i]).squareRoot())
            }
        }
        computeHydrology()
    }

    mutating func computeHydrology() {
        let n = frame.count, w = frame.width, h = frame.height
        var filled = elevation
        var closed = [Bool](repeating: false, count: n)
        var heap = CellHeap()
        for i in 0..<n {
            let r = i / w, c = i % w
            if r == 0 || c == 0 || r == h - 1 || c == w - 1 {
                heap.push(filled[i], i); closed[i] = true
            }
        }
        var order: [Int32] = []
        order.reserveCapacity(n)
        var down = [Int32](repeating: -1, count: n)
        // Cells raised to fill a pit drain to the cell the flood reached them from, so flow
        // across filled flats branches like the flood front instead of running in parallel lines.
        var raised = [Bool](repeating: false, count: n)
        while !heap.isEmpty {
            let (z, i) = heap.pop()
            order.append(Int32(i))
            for k in 0..<8 {
                guard let j = frame.neighbour(i, k), !closed[j] else { continue }
                closed[j] = true
                if filled[j] <= z {
                    raised[j] = true
                    down[j] = Int32(i)
                    // Raised just above its spill point; the jitter keeps flow paths across
                    // filled flats from running in parallel straight lines.
                    filled[j] = z + 1e-4 * (1 + Double((UInt64(j) &* 0x9E37_79B9_7F4A_7C15) >> 54))
                }
                heap.push(filled[j], j)
            }
        }
        // D8: steepest descent on the filled surface; the diagonal drop is scaled by 1/√2.
        for i in 0..<n where !raised[i] {
            var best = -1, bestSlope = 0.0
            for k in 0..<8 {
                guard let j = frame.neighbour(i, k) else { continue }
                let drop = (filled[i] - filled[j]) / (k % 2 == 1 ? 1.4142135623730951 : 1)
                if drop > bestSlope { bestSlope = drop; best = j }
            }
            down[i] = Int32(best)
        }
        // The flood order is lowest first; reversed, every cell comes before its downstream one.
        topDown = order.reversed()
        var acc = [Int32](repeating: 1, count: n)
        for i in topDown where down[Int(i)] >= 0 {
            acc[Int(down[Int(i)])] += acc[Int(i)]
        }
        elevation = filled
        downstream = down
        accumulation = acc
    }
}

/// Distance from a point to a polyline and the station (arc length) of the nearest point.
struct PolylineMeasure {
    let points: [Coordinate]
    let stations: [Double]
    var length: Double { stations.last ?? 0 }

    init(_ points: [Coordinate]) {
        self.points = points
        var s = [0.0]
        for k in 1..<points.count {
            s.append(s[k - 1] + hypot(points[k].x - points[k - 1].x, points[k].y - points[k - 1].y))
        }
        stations = s
    }

    func distanceAndStation(_ p: Coordinate) -> (Double, Double) {
        var best = Double.infinity, station = 0.0
        for k in 0..<(points.count - 1) {
            let a = points[k], b = points[k + 1]
            let dx = b.x - a.x, dy = b.y - a.y
            let len2 = dx * dx + dy * dy
            let t = len2 > 0 ? max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2)) : 0
            let qx = a.x + t * dx, qy = a.y + t * dy
            let d = hypot(p.x - qx, p.y - qy)
            if d < best { best = d; station = stations[k] + t * len2.squareRoot() }
        }
        return (best, station)
    }
}

/// Distance from every cell centre to a polyline, and the station of the nearest point, by
/// vector propagation (Danielsson): each cell inherits the nearest sample point from its
/// neighbours over two raster passes. Exact near the line, within a few metres far from it —
/// and linear in the number of cells, where measuring each cell against each segment is not.
struct DistanceField {
    var distance: [Double]
    var station: [Double]

    init(frame f: RasterFrame, line: PolylineMeasure) {
        let n = f.count
        var px = [Double](repeating: .nan, count: n), py = px
        var st = [Double](repeating: 0, count: n)
        var dist = [Double](repeating: .infinity, count: n)
        // Seed: sample the line every quarter cell; each cell keeps the sample nearest its centre.
        var s = 0.0
        while s <= line.length {
            let p = line.point(atStation: s)
            if let c = f.cell(containing: p) {
                let centre = f.centre(c)
                let d = hypot(p.x - centre.x, p.y - centre.y)
                if d < dist[c] { dist[c] = d; px[c] = p.x; py[c] = p.y; st[c] = s }
            }
            s += f.cellSize / 4
        }
        @inline(__always) func relax(_ i: Int, from j: Int) {
            guard !px[j].isNaN else { return }
            let c = f.centre(i)
            let d = hypot(px[j] - c.x, py[j] - c.y)
            if d < dist[i] { dist[i] = d; px[i] = px[j]; py[i] = py[j]; st[i] = st[j] }
        }
        let w = f.width, h = f.height
        for _ in 0..<2 {
            for r in 0..<h {
                for c in 0..<w {
                    let i = r * w + c
                    if c > 0 { relax(i, from: i - 1) }
                    if r > 0 {
                        relax(i, from: i - w)
                        if c > 0 { relax(i, from: i - w - 1) }
                        if c < w - 1 { relax(i, from: i - w + 1) }
                    }
                }
                for c in stride(from: w - 2, through: 0, by: -1) { relax(r * w + c, from: r * w + c + 1) }
            }
            for r in stride(from: h - 1, through: 0, by: -1) {
                for c in stride(from: w - 1, through: 0, by: -1) {
                    let i = r * w + c
                    if c < w - 1 { relax(i, from: i + 1) }
                    if r < h - 1 {
                        relax(i, from: i + w)
                        if c < w - 1 { relax(i, from: i + w + 1) }
                        if c > 0 { relax(i, from: i + w - 1) }
                    }
                }
                for c in 1..<w { relax(r * w + c, from: r * w + c - 1) }
            }
        }
        distance = dist
        station = st
    }
}
