// Point → grid lookup without GEOS in the loop.
//
// Build: every grid edge (WGS-84 degrees, the file's own coordinates, so answers match a GEOS /
// Shapely `covers` on the same file) is listed in each cell of a uniform raster over the grids'
// bounding box that its bounding box touches. A cell no edge touches lies wholly inside one grid
// or wholly outside all of them; a row sweep (crossing numbers on each row's centre line) decides
// which, once. A cell some edges touch keeps those edges and a reference point R inside it
// whose grid is known from the same sweep.
//
// Query: a point in a whole cell is answered by one array read. In an edge cell, the point is
// first checked against the cell's edges (exact orientation: a point *on* an edge is reported as
// such), otherwise the segment R→P crosses only edges of this cell (it never leaves the cell), and
// each crossing of a grid's boundary flips "inside that grid": exact even–odd on a handful of edges.
//
// Edge rule: a point on the boundary of one or more grids (Shapely `covers` true for each) goes
// to the one with the lowest code.
import WanggeGeometry

public struct GridInfo: Hashable, Sendable {
    public var code: String
    public var name: String
    /// The village's name, as written in the output.
    public var village: String
    public var township: String
    /// The 12-digit code of the grid's village (`village_code`, else the code's first 12 digits).
    public var villageCode: String
    /// The grid worker the grid file names (`wangge staff --grids-out`), if any.
    public var worker: GridWorker?
    public init(code: String, name: String, village: String, township: String, villageCode: String? = nil, worker: GridWorker? = nil) {
        self.code = code; self.name = name; self.village = village; self.township = township
        self.villageCode = villageCode ?? String(code.prefix(12))
        self.worker = worker
    }
}

/// Where a point fell.
public enum Location: Hashable, Sendable {
    /// In the interior of grid `index` (into `GridIndex.grids`).
    case inside(Int)
    /// On the boundary of grid `index` (the lowest code among the grids whose boundary holds it).
    case edge(Int)
    /// In no grid.
    case outside

    public var gridIndex: Int? {
        switch self {
        case .inside(let i), .edge(let i): i
        case .outside: nil
        }
    }
}

public final class GridIndex: @unchecked Sendable {
    /// Grids sorted by code: index order is code order (the edge rule's "lowest code").
    public let grids: [GridInfo]
    /// Each grid's polygons, WGS-84, same order as `grids`.
    public let geometries: [[Polygon]]
    let minX: Double, minY: Double, maxX: Double, maxY: Double
    let invW: Double, invH: Double
    let cellW: Double, cellH: Double
    let nx: Int, ny: Int
    /// The raster, built once (a `let` struct: no exclusivity checks in the query loop).
    struct Tables {
        /// ≥ 0: whole cell inside that grid; −1: whole cell outside; ≤ −2: edge cell −2 − value.
        var cells: [Int32] = []
        /// Every ring's vertices one after another, grid by grid: edge v runs from `vertices[v]` to
        /// `vertices[v + 1]` (never across the end of a ring; degenerate edges are left out).
        var vertices: [SIMD2<Double>] = []
        var edgeStart: [Int32] = [0]
        /// Edge cell m's edges are `edges[edgeStart[m]..<edgeStart[m + 1]]`.
        var edges: [CellEdge] = []
        /// The reference point's x; its y is the centre line of the cell's row.
        var refX: [Double] = []
        var refOwner: [Int32] = []
    }
    /// One edge as listed in a cell: 8 bytes, where a copy of its coordinates took 36. On a big
    /// grid file these lists were the largest thing built (an edge is listed in every cell it touches).
    struct CellEdge {
        /// Its first vertex (into `Tables.vertices`).
        var vertex: Int32
        var grid: Int32
    }
    let t: Tables

    public var cellCount: Int { nx * ny }
    public var edgeCellCount: Int { t.refOwner.count }

    /// `grids[i]` covers `polygons[i]` (WGS-84). Grids are reordered by code.
    public init(grids unsorted: [(GridInfo, [Polygon])], targetCells: Int? = nil) throws(AssignError) {
        guard !unsorted.isEmpty else { throw .noGrids }
        let sorted = unsorted.sorted { $0.0.code < $1.0.code }
        grids = sorted.map(\.0)
        geometries = sorted.map(\.1)
        // Extent, finiteness and the number of vertices and edges. The edges are read from the
        // vertex array as the raster is filled, never copied into a list of their own.
        var edgeCount = 0, vertexCount = 0
        var bx0 = Double.infinity, by0 = Double.infinity, bx1 = -Double.infinity, by1 = -Double.infinity
        for (g, polys) in geometries.enumerated() {
            for p in polys {
                for ring in p.rings where ring.count >= 2 {
                    vertexCount += ring.count
                    for i in 0..<(ring.count - 1) {
                        let a = ring[i], b = ring[i + 1]
                        guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { throw .nonFiniteGrid(grids[g].code) }
                        bx0 = Swift.min(bx0, a.x); bx1 = Swift.max(bx1, a.x)
                        by0 = Swift.min(by0, a.y); by1 = Swift.max(by1, a.y)
                        if a != b { edgeCount += 1 }
                    }
                }
            }
        }
        guard edgeCount > 0 else { throw .noGrids }
        // Vertices and places are numbered with Int32.
        guard vertexCount < Int(Int32.max) else { throw .input("the grid file has more than \(Int32.max) vertices") }
        minX = bx0; minY = by0; maxX = bx1; maxY = by1
        let bw = Swift.max(bx1 - bx0, 1e-9), bh = Swift.max(by1 - by0, 1e-9)
        let target = Double(targetCells ?? Swift.min(Swift.max(edgeCount * 4, 4096), 4_000_000))
        let side = (bw * bh / target).squareRoot()
        nx = Swift.max(1, Int((bw / side).rounded(.up)))
        ny = Swift.max(1, Int((bh / side).rounded(.up)))
        cellW = bw / Double(nx); cellH = bh / Double(ny)
        invW = 1 / cellW; invH = 1 / cellH
        var vertices: [SIMD2<Double>] = []
        vertices.reserveCapacity(vertexCount)
        for polys in geometries {
            for p in polys { for ring in p.rings where ring.count >= 2 { for c in ring { vertices.append(SIMD2(c.x, c.y)) } } }
        }
        t = GridIndex.build(geometries, vertices: vertices, Frame(minX: minX, minY: minY, invW: invW, invH: invH, nx: nx, ny: ny),
                            cellW: cellW, cellH: cellH, gridCount: grids.count)
    }

    struct Frame {
        let minX: Double, minY: Double, invW: Double, invH: Double, nx: Int, ny: Int
        @inline(__always) func column(_ x: Double) -> Int { Swift.min(nx - 1, Swift.max(0, Int((x - minX) * invW))) }
        @inline(__always) func row(_ y: Double) -> Int { Swift.min(ny - 1, Swift.max(0, Int((y - minY) * invH))) }
    }

    @inline(__always) func column(_ x: Double) -> Int { Swift.min(nx - 1, Swift.max(0, Int((x - minX) * invW))) }
    @inline(__always) func row(_ y: Double) -> Int { Swift.min(ny - 1, Swift.max(0, Int((y - minY) * invH))) }

    /// Every edge (x0, y0, x1, y1) of `geometries` with its first vertex (numbered as in
    /// `Tables.vertices`) and its grid, degenerate ones left out.
    private static func forEachEdge(_ geometries: [[Polygon]], _ body: (SIMD4<Double>, CellEdge) -> Void) {
        var base = 0
        for (g, polys) in geometries.enumerated() {
            for p in polys {
                for ring in p.rings where ring.count >= 2 {
                    for i in 0..<(ring.count - 1) {
                        let a = ring[i], b = ring[i + 1]
                        if a != b { body(SIMD4(a.x, a.y, b.x, b.y), CellEdge(vertex: Int32(base + i), grid: Int32(g))) }
                    }
                    base += ring.count
                }
            }
        }
    }

    /// The edges by cell (CSR over all cells): cell i's edges are `edges[start[i]..<start[i + 1]]`.
    private struct CellEdges {
        var start: [Int32]
        var edges: [CellEdge]
        /// Cells with at least one edge.
        var edgeCells: Int
    }

    /// Every cell an edge's bounding box touches lists the edge, and edge cells are numbered in cell
    /// order: so each listing is written once, straight into its final place (cell order, edge
    /// order within a cell).
    private static func cellEdges(_ geometries: [[Polygon]], _ frame: Frame) -> CellEdges {
        let nx = frame.nx, cells = frame.nx * frame.ny
        var count = [Int32](repeating: 0, count: cells)
        func forCells(_ e: SIMD4<Double>, _ body: (Int) -> Void) {
            let c0 = frame.column(Swift.min(e.x, e.z)), c1 = frame.column(Swift.max(e.x, e.z))
            let r0 = frame.row(Swift.min(e.y, e.w)), r1 = frame.row(Swift.max(e.y, e.w))
            for r in r0...r1 { for c in c0...c1 { body(r * nx + c) } }
        }
        forEachEdge(geometries) { e, _ in forCells(e) { count[$0] += 1 } }
        var start = [Int32](repeating: 0, count: cells + 1)
        var edgeCells = 0
        for i in 0..<cells {
            start[i + 1] = start[i] + count[i]
            if count[i] > 0 { edgeCells += 1 }
        }
        for i in 0..<cells { count[i] = start[i] }   // now each cell's next free place
        var out = CellEdges(start: start, edges: [CellEdge](repeating: CellEdge(vertex: 0, grid: 0), count: Int(start[cells])),
                            edgeCells: edgeCells)
        forEachEdge(geometries) { e, listed in
            forCells(e) { cell in
                out.edges[Int(count[cell])] = listed
                count[cell] += 1
            }
        }
        return out
    }

    /// A reference x on the row's centre line `y` in the cell starting at `x0`: clear of every
    /// crossing of the line and of every edge of the cell, so its owner is decided by parity alone.
    private static func referenceX(cellStart x0: Double, cellW: Double, y: Double, column c: Int, _ frame: Frame,
                                   crossings xs: [(Double, Int32)], edges: ArraySlice<CellEdge>, _ vertices: [SIMD2<Double>]) -> Double {
        var rx = x0 + 0.5 * cellW
        for f in [0.5, 0.3125, 0.6875, 0.1875, 0.8125, 0.40625, 0.59375, 0.09375, 0.90625] {
            rx = x0 + f * cellW
            let tol = 1e-9 * cellW
            let clearOfCrossings = !xs.contains { abs($0.0 - rx) <= tol }
            let clearOfEdges = edges.allSatisfy { e in
                let a = vertices[Int(e.vertex)], b = vertices[Int(e.vertex) + 1]
                return Orientation.orient(a.x, a.y, b.x, b.y, rx, y) != 0
            }
            if clearOfCrossings && clearOfEdges && frame.column(rx) == c { break }
        }
        return rx
    }

    /// The tables by a sweep of each row's centre line: its crossings in x order, with their grid,
    /// give the owner of every cell without edges, and the owner of each edge cell's reference point.
    private static func build(_ geometries: [[Polygon]], vertices: [SIMD2<Double>], _ frame: Frame, cellW: Double, cellH: Double,
                              gridCount: Int) -> Tables {
        let nx = frame.nx, ny = frame.ny, minX = frame.minX, minY = frame.minY
        let ce = cellEdges(geometries, frame)
        let start = ce.start
        var t = Tables()
        t.cells = Array(repeating: -1, count: nx * ny)
        t.edgeStart.reserveCapacity(ce.edgeCells + 1)
        t.refX.reserveCapacity(ce.edgeCells); t.refOwner.reserveCapacity(ce.edgeCells)

        var parity = [UInt8](repeating: 0, count: gridCount)
        // The row that last met each edge (by its first vertex), so a row meets each edge once.
        var seen = [Int32](repeating: -1, count: vertices.count)
        var nextMixed: Int32 = 0
        for r in 0..<ny {
            let y = minY + (Double(r) + 0.5) * cellH
            var xs: [(Double, Int32)] = []
            for c in 0..<nx {
                let cell = r * nx + c
                for j in Int(start[cell])..<Int(start[cell + 1]) {
                    let listed = ce.edges[j], v = Int(listed.vertex)
                    if seen[v] == Int32(r) { continue }
                    seen[v] = Int32(r)
                    let a = vertices[v], b = vertices[v + 1]
                    if (a.y > y) != (b.y > y) {
                        xs.append((a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y), listed.grid))
                    }
                }
            }
            xs.sort { $0.0 < $1.0 }
            for i in parity.indices { parity[i] = 0 }
            var odd: [Int32] = []
            var p = 0
            func advance(to x: Double) {
                while p < xs.count, xs[p].0 < x {
                    let g = xs[p].1
                    parity[Int(g)] ^= 1
                    if parity[Int(g)] == 1 { odd.append(g) } else { odd.removeAll { $0 == g } }
                    p += 1
                }
            }
            func owner() -> Int32 { odd.min() ?? -1 }
            for c in 0..<nx {
                let cell = r * nx + c
                let x0 = minX + Double(c) * cellW
                if start[cell] == start[cell + 1] {
                    advance(to: x0 + 0.5 * cellW)
                    t.cells[cell] = owner()
                    continue
                }
                let rx = referenceX(cellStart: x0, cellW: cellW, y: y, column: c, frame, crossings: xs,
                                    edges: ce.edges[Int(start[cell])..<Int(start[cell + 1])], vertices)
                advance(to: rx)
                t.cells[cell] = -2 - nextMixed
                nextMixed += 1
                t.refX.append(rx); t.refOwner.append(owner())
                t.edgeStart.append(start[cell + 1])
            }
        }
        t.edges = ce.edges
        t.vertices = vertices
        return t
    }

    /// The grid holding (x, y) (WGS-84 lon, lat, the grid file's coordinates).
    @inline(__always)
    public func locate(_ x: Double, _ y: Double) -> Location {
        guard x >= minX, x <= maxX, y >= minY, y <= maxY else { return .outside }
        let r = row(y)
        let v = t.cells[r * nx + column(x)]
        if v >= 0 { return .inside(Int(v)) }
        if v == -1 { return .outside }
        return locateInEdgeCell(Int(-2 - v), row: r, x, y)
    }

    @inline(__always)
    private func locateInEdgeCell(_ m: Int, row r: Int, _ px: Double, _ py: Double) -> Location {
        let lo = Int(t.edgeStart[m]), hi = Int(t.edgeStart[m + 1])
        // The same expression as the build's centre line, so the same double.
        let rx = t.refX[m], ry = minY + (Double(r) + 0.5) * cellH
        // Parities as a tiny inline set: grids whose boundary R→P crossed an odd number of times.
        var flipped: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (-1, -1, -1, -1, -1, -1, -1, -1)
        var overflow: [Int32] = []
        var onEdge = Int32.max
        t.edges.withUnsafeBufferPointer { listed in
            t.vertices.withUnsafeBufferPointer { vs in
                withUnsafeMutableBytes(of: &flipped) { fb in
                    let f = fb.bindMemory(to: Int32.self)
                    for j in lo..<hi {
                        let v = Int(listed[j].vertex)
                        let a = vs[v], b = vs[v + 1]
                        let oP = Orientation.orient(a.x, a.y, b.x, b.y, px, py)
                        if oP == 0 {
                            if px >= Swift.min(a.x, b.x), px <= Swift.max(a.x, b.x),
                               py >= Swift.min(a.y, b.y), py <= Swift.max(a.y, b.y) {
                                onEdge = Swift.min(onEdge, listed[j].grid)
                            }
                            continue
                        }
                        let oR = Orientation.orient(a.x, a.y, b.x, b.y, rx, ry)
                        if oR == oP { continue }
                        // A vertex exactly on the line R–P counts as lying to its left.
                        let sA = Orientation.orient(rx, ry, px, py, a.x, a.y) >= 0
                        let sB = Orientation.orient(rx, ry, px, py, b.x, b.y) >= 0
                        if sA == sB { continue }
                        let g = listed[j].grid
                        var placed = false
                        for s in 0..<8 {
                            if f[s] == g { f[s] = -1; placed = true; break }
                        }
                        if !placed {
                            if let i = overflow.firstIndex(of: g) { overflow.remove(at: i); placed = true }
                        }
                        if !placed {
                            var put = false
                            for s in 0..<8 where f[s] == -1 { f[s] = g; put = true; break }
                            if !put { overflow.append(g) }
                        }
                    }
                }
            }
        }
        if onEdge != Int32.max { return .edge(Int(onEdge)) }
        let owner = t.refOwner[m]
        var rFlipped = false
        var entered = Int32.max
        withUnsafeBytes(of: flipped) { fb in
            for g in fb.bindMemory(to: Int32.self) where g >= 0 {
                if g == owner { rFlipped = true } else { entered = Swift.min(entered, g) }
            }
        }
        for g in overflow {
            if g == owner { rFlipped = true } else { entered = Swift.min(entered, g) }
        }
        if entered != Int32.max { return .inside(Int(entered)) }
        if owner >= 0, !rFlipped { return .inside(Int(owner)) }
        return .outside
    }
}

public enum AssignError: Error, Equatable, Sendable, CustomStringConvertible {
    case noGrids
    case nonFiniteGrid(String)
    case missingProperty(feature: Int, key: String)
    case input(String)
    case output(String)

    public var description: String {
        switch self {
        case .noGrids: "the grid file has no polygons"
        case .nonFiniteGrid(let c): "grid \(c) has a non-finite coordinate"
        case .missingProperty(let f, let k): "grid feature \(f) has no \"\(k)\" property"
        case .input(let m): m
        case .output(let m): m
        }
    }
}
