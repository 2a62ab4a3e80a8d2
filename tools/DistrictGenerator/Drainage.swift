import Foundation
import WanggeGeometry

/// Streams and their catchments, derived from a terrain's flow accumulation.
struct Drainage {
    /// One stream reach: from a head or a confluence down to the next confluence or the edge.
    struct Reach {
        var cells: [Int32]
        /// The cell the reach flows into (the confluence that ends it), or -1 at the raster edge.
        var outlet: Int32
        /// Cells draining through the reach's last cell.
        var drainage: Int32
    }

    var reaches: [Reach] = []
    /// Reach whose catchment each cell lies in (cells reaching the edge without a stream get a
    /// catchment id of their own, counted from `reaches.count`).
    var catchment: [Int32] = []
    var catchmentCount = 0

    /// `threshold`: cells of drainage area from which a channel forms.
    init(terrain t: Terrain, threshold: Int32) {
        let n = t.frame.count
        let isStream = t.accumulation.map { $0 >= threshold }
        // How many stream cells flow into each cell: 0 marks a head, ≥ 2 a confluence.
        var inflow = [UInt8](repeating: 0, count: n)
        for i in 0..<n where isStream[i] && t.downstream[i] >= 0 {
            inflow[Int(t.downstream[i])] &+= 1
        }
        var reachOf = [Int32](repeating: -1, count: n)
        // Walk from every reach start (heads and confluences), in raster order for determinism.
        for start in 0..<n where isStream[start] && inflow[start] != 1 {
            var cells: [Int32] = []
            var i = start
            while true {
                cells.append(Int32(i))
                reachOf[i] = Int32(reaches.count)
                let d = Int(t.downstream[i])
                if d < 0 || inflow[d] != 1 {
                    reaches.append(Reach(cells: cells, outlet: Int32(d), drainage: t.accumulation[i]))
                    break
                }
                i = d
            }
        }
        // Catchments: every cell takes its downstream cell's catchment; the top-down order is
        // reversed so that downstream cells are labelled first.
        var label = reachOf
        var next = Int32(reaches.count)
        for i32 in t.topDown.reversed() {
            let i = Int(i32)
            guard label[i] < 0 else { continue }
            let d = Int(t.downstream[i])
            if d >= 0 { label[i] = label[d] } else { label[i] = next; next += 1 }
        }
        catchment = label
        catchmentCount = Int(next)
    }
}

/// Boundaries between differently labelled cells, traced into chains along cell edges from one
/// junction (where three or more labels meet) to the next.
enum LabelBoundaries {
    static func chains(labels: [Int32], frame f: RasterFrame) -> [[Coordinate]] {
        let w = f.width, h = f.height
        // Edge ids: horizontal edge (i,j)-(i+1,j) → j*w + i (separates cells of rows j-1 and j);
        // vertical edge (i,j)-(i,j+1) → hBase + j*(w+1) + i (separates cells of columns i-1 and i).
        let hBase = (h + 1) * w
        var isEdge = [Bool](repeating: false, count: hBase + h * (w + 1))
        var degree = [UInt8](repeating: 0, count: (w + 1) * (h + 1))
        @inline(__always) func vid(_ i: Int, _ j: Int) -> Int { j * (w + 1) + i }
        for j in 1..<h {
            for i in 0..<w where labels[(j - 1) * w + i] != labels[j * w + i] {
                isEdge[j * w + i] = true
                degree[vid(i, j)] += 1; degree[vid(i + 1, j)] += 1
            }
        }
        for j in 0..<h {
            for i in 1..<w where labels[j * w + i - 1] != labels[j * w + i] {
                isEdge[hBase + j * (w + 1) + i] = true
                degree[vid(i, j)] += 1; degree[vid(i, j + 1)] += 1
            }
        }
        var used = [Bool](repeating: false, count: isEdge.count)
        // The up-to-four edges at a lattice vertex, with the vertex at their other end.
        func incident(_ i: Int, _ j: Int) -> [(edge: Int, i: Int, j: Int)] {
            var out: [(Int, Int, Int)] = []
            if i < w { out.append((j * w + i, i + 1, j)) }
            if i > 0 { out.append((j * w + i - 1, i - 1, j)) }
            if j < h { out.append((hBase + j * (w + 1) + i, i, j + 1)) }
            if j > 0 { out.append((hBase + (j - 1) * (w + 1) + i, i, j - 1)) }
            return out.filter { isEdge[$0.0] }
        }
        func walk(from i0: Int, _ j0: Int, first: (edge: Int, i: Int, j: Int)) -> [Coordinate] {
            var pts = [f.corner(i0, j0)]
            var step = first
            while true {
                used[step.edge] = true
                pts.append(f.corner(step.i, step.j))
                if degree[vid(step.i, step.j)] != 2 { break }
                guard let nextStep = incident(step.i, step.j).first(where: { !used[$0.edge] }) else { break }
                step = nextStep
            }
            return removeCollinear(pts)
        }
        var chains: [[Coordinate]] = []
        for j in 0...h {
            for i in 0...w where degree[vid(i, j)] != 0 && degree[vid(i, j)] != 2 {
                for e in incident(i, j) where !used[e.edge] {
                    chains.append(walk(from: i, j, first: e))
                }
            }
        }
        // What is left are closed loops (an island label inside another).
        for j in 0...h {
            for i in 0...w where degree[vid(i, j)] == 2 {
                if let e = incident(i, j).first(where: { !used[$0.edge] }) {
                    chains.append(walk(from: i, j, first: e))
                }
            }
        }
        return chains
    }

    static func removeCollinear(_ pts: [Coordinate]) -> [Coordinate] {
        guard pts.count > 2 else { return pts }
        var out = [pts[0]]
        for k in 1..<(pts.count - 1) {
            let a = out[out.count - 1], b = pts[k], c = pts[k + 1]
            let cross = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
            if abs(cross) > 1e-9 { out.append(b) }
        }
        out.append(pts[pts.count - 1])
        return out
    }
}

enum Smoothing {
    /// Chaikin corner cutting; the end points stay where they are, so chains that meet at a
    /// junction still meet after smoothing (a closed loop keeps one sharp corner at its start).
    static func chaikin(_ line: [Coordinate], iterations: Int) -> [Coordinate] {
        var pts = line
        guard pts.count > 2 else { return pts }
        for _ in 0..<iterations {
            var out = [pts[0]]
            for k in 0..<(pts.count - 1) {
                let a = pts[k], b = pts[k + 1]
                if k > 0 { out.append(Coordinate(0.75 * a.x + 0.25 * b.x, 0.75 * a.y + 0.25 * b.y)) }
                if k < pts.count - 2 { out.append(Coordinate(0.25 * a.x + 0.75 * b.x, 0.25 * a.y + 0.75 * b.y)) }
            }
            out.append(pts[pts.count - 1])
            pts = out
        }
        return pts
    }

    /// Douglas–Peucker: drops vertices closer than `tolerance` to the simplified line; the end
    /// points stay, so junctions still meet.
    static func simplify(_ line: [Coordinate], tolerance: Double) -> [Coordinate] {
        guard line.count > 2 else { return line }
        var keep = [Bool](repeating: false, count: line.count)
        keep[0] = true; keep[line.count - 1] = true
        var stack = [(0, line.count - 1)]
        while let (a, b) = stack.popLast() {
            guard b > a + 1 else { continue }
            let p = line[a], q = line[b]
            let dx = q.x - p.x, dy = q.y - p.y, len = (dx * dx + dy * dy).squareRoot()
            var worst = -1.0, at = a
            for k in (a + 1)..<b {
                let d = len > 0 ? abs((line[k].x - p.x) * dy - (line[k].y - p.y) * dx) / len
                                : ((line[k].x - p.x) * (line[k].x - p.x) + (line[k].y - p.y) * (line[k].y - p.y)).squareRoot()
                if d > worst { worst = d; at = k }
            }
            if worst > tolerance { keep[at] = true; stack.append((a, at)); stack.append((at, b)) }
        }
        return line.indices.filter { keep[$0] }.map { line[$0] }
    }
}
