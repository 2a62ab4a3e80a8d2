import Testing
import WanggeCRS
import WanggeGeometry
@testable import WanggeAssign

@Suite struct GridIndexTests {
    let set = Fixture.set

    @Test func interiorPointsMapToTheirGrid() throws {
        let ctx = GEOSContext()
        #expect(set.grids.count == 148)
        for (i, polys) in set.index.geometries.enumerated() {
            let p = try ctx.geometry(from: polys.count == 1 ? .polygon(polys[0]) : .multiPolygon(polys)).pointOnSurface().pointCoordinate()!
            #expect(set.index.locate(p.x, p.y) == .inside(i), "\(set.grids[i].code)")
        }
    }

    @Test func matchesGEOSCoversOnRandomPoints() throws {
        let ctx = GEOSContext()
        let prepared = try set.index.geometries.map { polys in
            try PreparedGeometry(ctx.geometry(from: polys.count == 1 ? .polygon(polys[0]) : .multiPolygon(polys)))
        }
        var rng = SystemRandomNumberGenerator()
        _ = rng
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {  // SplitMix64 → [0, 1)
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        var inside = 0
        for _ in 0..<4000 {
            let x = 103.41 + next() * 0.34, y = 29.18 + next() * 0.36
            let loc = set.index.locate(x, y)
            let covering = try prepared.indices.filter { try prepared[$0].covers(Coordinate(x, y)) }
            #expect(covering.count <= 1)
            if let g = covering.first { #expect(loc == .inside(g)); inside += 1 } else { #expect(loc == .outside) }
        }
        #expect(inside > 1000)
    }

    /// Vertices shared by exactly two grids lie on both boundaries: the lower code wins.
    @Test func sharedEdgeGoesToTheLowestCode() throws {
        var owners: [Coordinate: Set<Int>] = [:]
        for (i, polys) in set.index.geometries.enumerated() {
            for p in polys { for r in p.rings { for c in r { owners[c, default: []].insert(i) } } }
        }
        let shared = owners.filter { $0.value.count == 2 }.sorted { ($0.key.x, $0.key.y) < ($1.key.x, $1.key.y) }
        let outer = owners.filter { $0.value.count == 1 }.sorted { ($0.key.x, $0.key.y) < ($1.key.x, $1.key.y) }
        #expect(shared.count > 100)
        for (c, gs) in shared.prefix(300) {
            #expect(set.index.locate(c.x, c.y) == .edge(gs.min()!))
        }
        // Vertices on the district's outline belong to one grid only: status edge, that grid.
        for (c, gs) in outer.prefix(300) {
            #expect(set.index.locate(c.x, c.y) == .edge(gs.first!))
        }
        // And through the pipeline: status edge, the lower code.
        let (c, gs) = shared[0]
        let (out, summary, _) = try Fixture.run("id,lon,lat\n1,\(c.x),\(c.y)\n", AssignOptions())
        #expect(summary.edge == 1)
        #expect(Fixture.column(out, "grid_code") == [set.grids[gs.min()!].code])
        #expect(Fixture.column(out, "status") == ["edge"])
    }

    @Test func outsidePointsGetTheNearestGridInMetres() throws {
        let ctx = GEOSContext()
        let toMetric = try CoordinateTransform(from: .wgs84, to: .shawanMetric)
        let metricGrids = try set.index.geometries.map { polys in
            try ctx.geometry(from: .multiPolygon(polys.map { p in
                Polygon(exterior: try toMetric.transform(p.exterior), holes: try p.holes.map { try toMetric.transform($0) })
            }))
        }
        let probes = [Coordinate(103.40, 29.30), Coordinate(103.75, 29.45), Coordinate(103.60, 29.17),
                      Coordinate(103.55, 29.56), Coordinate(103.2, 29.0), Coordinate(104.5, 30.2)]
        for p in probes {
            #expect(set.index.locate(p.x, p.y) == .outside)
            let m = try toMetric.transform(p)
            let point = try ctx.point(m)
            let d = try metricGrids.map { try $0.distance(to: point) }
            let best = d.min()!
            let got = set.nearest.nearest(m.x, m.y)
            #expect(abs(got.distance - best) < 0.01, "\(p)")
            #expect(abs(d[got.grid] - best) < 0.01)
        }
    }

    @Test func latticeMatchesPROJ() throws {
        let proj = try CoordinateTransform(from: .wgs84, to: .shawanMetric)
        var worst = 0.0
        for i in 0..<2000 {
            let lon = 103.40 + Double(i % 50) * 0.0071 + 0.00013 * Double(i % 7)
            let lat = 29.17 + Double(i / 50) * 0.0093 + 0.00011 * Double(i % 5)
            let a = try proj.transform(Coordinate(lon, lat))
            let b = try #require(set.lattice.project(lon, lat))
            worst = max(worst, ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot())
        }
        #expect(worst < 0.001)
        #expect(set.lattice.project(105, 29.3) == nil)
    }

    /// Found by fuzzing (tools/Fuzz/crashes/assign/lattice-huge-longitude.csv): a huge finite
    /// longitude at a latitude inside the lattice trapped converting the cell index to Int.
    @Test func latticeRejectsHugeAndNonFiniteCoordinates() {
        for (lon, lat) in [(1e20, 29.3), (103.5, 1e20), (-1e300, 29.3), (.infinity, 29.3), (.nan, 29.3), (103.5, .nan)] {
            #expect(set.lattice.project(lon, lat) == nil, "\(lon), \(lat)")
        }
        #expect(set.lattice.project(103.5, 29.3) != nil)
    }

    @Test func exactOrientation() {
        #expect(Orientation.orient(0, 0, 1, 1, 0.5, 0.5) == 0)
        #expect(Orientation.orient(0, 0, 1, 1, 0.5, 0.5 + 1e-17) == 0)  // 0.5 + 1e-17 == 0.5
        #expect(Orientation.orient(0, 0, 1, 1, 0.5, 0.5.nextUp) == 1)
        #expect(Orientation.orient(0, 0, 1, 1, 0.5, 0.5.nextDown) == -1)
        let a = 103.1234567, b = 29.7654321
        #expect(Orientation.orient(a, b, a + 0.1, b + 0.1, a + 0.05, b + 0.05) == Orientation.exact(a, b, a + 0.1, b + 0.1, a + 0.05, b + 0.05))
    }
}


/// The index against a brute-force, exact point-in-polygon over every edge of every grid, on many
/// points: random ones, every vertex, points on or a rounding error off edges and vertices, and
/// rasters coarse (many edges a cell) and fine (edges over many cells).
@Suite struct GridIndexBruteForceTests {
    /// Every grid's polygons, in index (code) order.
    static let geometries = Fixture.set.index.geometries
    static let envelopes = geometries.map { polys in
        var e = Envelope(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)
        for p in polys { for c in p.exterior { e.expand(toInclude: c) } }
        return e
    }

    /// On the boundary of the lowest grid whose boundary holds it, else inside the grid whose rings it
    /// is inside an odd number of times, else outside; every test exact (`Orientation.orient`).
    static func bruteForce(_ x: Double, _ y: Double) -> Location {
        var boundary: Int?, inside: Int?
        for (g, polys) in geometries.enumerated() where boundary == nil {
            let e = envelopes[g]
            guard x >= e.minX, x <= e.maxX, y >= e.minY, y <= e.maxY else { continue }
            var odd = false
            for p in polys {
                for ring in p.rings where ring.count >= 2 {
                    for i in 0..<(ring.count - 1) {
                        let a = ring[i], b = ring[i + 1]
                        if a == b { continue }
                        let o = Orientation.orient(a.x, a.y, b.x, b.y, x, y)
                        if o == 0, x >= min(a.x, b.x), x <= max(a.x, b.x), y >= min(a.y, b.y), y <= max(a.y, b.y) { boundary = g }
                        if (a.y > y) != (b.y > y) {
                            // The ray to the right of P crosses the edge iff P is left of it, taken upwards.
                            let (lo, hi) = a.y < b.y ? (a, b) : (b, a)
                            if Orientation.orient(lo.x, lo.y, hi.x, hi.y, x, y) > 0 { odd.toggle() }
                        }
                    }
                }
            }
            if odd, inside == nil { inside = g }
        }
        if let boundary { return .edge(boundary) }
        if let inside { return .inside(inside) }
        return .outside
    }

    /// Random points over the grids' box and beyond it, every vertex of every tenth grid with its
    /// neighbouring doubles, and each edge's midpoint as rounded (on the edge or a rounding off it).
    static let probes: [Coordinate] = {
        var out = GridLocatorTests.points(20_000, seed: 29)
        for (g, polys) in geometries.enumerated() where g % 10 == 0 {
            for p in polys {
                for ring in p.rings {
                    for i in 0..<(ring.count - 1) {
                        let a = ring[i], b = ring[i + 1]
                        out.append(a)
                        out.append(Coordinate(a.x.nextUp, a.y)); out.append(Coordinate(a.x, a.y.nextDown))
                        out.append(Coordinate((a.x + b.x) / 2, (a.y + b.y) / 2))
                        // Straight up from a vertex: the same x, on the line through it.
                        out.append(Coordinate(a.x, (a.y + b.y) / 2))
                    }
                }
            }
        }
        return out
    }()
    static let expected = probes.map { bruteForce($0.x, $0.y) }

    @Test(arguments: [nil, 64, 5_000, 2_000_000])
    func agreesWithBruteForce(targetCells: Int?) throws {
        let items = Array(zip(Fixture.set.grids, Self.geometries))
        let index = try GridIndex(grids: items, targetCells: targetCells)
        var counts: [String: Int] = [:]
        for (c, expected) in zip(Self.probes, Self.expected) {
            let got = index.locate(c.x, c.y)
            #expect(got == expected, "\(c.x), \(c.y)")
            switch expected {
            case .inside: counts["inside", default: 0] += 1
            case .edge: counts["edge", default: 0] += 1
            case .outside: counts["outside", default: 0] += 1
            }
        }
        // Each kind well represented, so the agreement means something.
        #expect(counts["inside", default: 0] > 10_000)
        #expect(counts["edge", default: 0] > 5_000)
        #expect(counts["outside", default: 0] > 3_000)
    }

    /// Unit squares side by side: edges and vertices on the cell lines of a coarse raster, shared
    /// corners of four grids, a grid with a hole holding another.
    @Test func squaresWithAHole() throws {
        func square(_ x: Double, _ y: Double, _ s: Double) -> [Coordinate] {
            [Coordinate(x, y), Coordinate(x + s, y), Coordinate(x + s, y + s), Coordinate(x, y + s), Coordinate(x, y)]
        }
        var items: [(GridInfo, [Polygon])] = []
        for (k, (x, y)) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].enumerated() {
            items.append((GridInfo(code: "g\(k + 1)", name: "", village: "", township: ""), [Polygon(exterior: square(x, y, 1))]))
        }
        // g0: a frame around the four with a hole they fill exactly; g5 inside nothing, apart.
        items.append((GridInfo(code: "g0", name: "", village: "", township: ""),
                      [Polygon(exterior: square(-1, -1, 4), holes: [Array(square(0, 0, 2).reversed())])]))
        items.append((GridInfo(code: "g5", name: "", village: "", township: ""), [Polygon(exterior: square(5, 5, 0.5))]))
        for cells in [1, 4, 16, 100, 10_000] {
            let index = try GridIndex(grids: items, targetCells: cells)
            #expect(index.locate(1, 1) == .edge(1))          // g1..g4's corner: g1 is the lowest code of them
            #expect(index.locate(0, 0) == .edge(0))          // the frame's hole corner
            #expect(index.locate(0.5, 0.5) == .inside(1))
            #expect(index.locate(1.5, 1.5) == .inside(4))
            #expect(index.locate(1, 0.5) == .edge(1))
            #expect(index.locate(2, 1.5) == .edge(0))
            #expect(index.locate(-0.5, 1) == .inside(0))
            #expect(index.locate(4, 4) == .outside)
            #expect(index.locate(5.25, 5.25) == .inside(5))
            #expect(index.locate(5.5, 5.5) == .edge(5))
            #expect(index.locate(5.5.nextUp, 5.5) == .outside)
            #expect(index.locate(2.nextDown, 1.5) == .inside(4))
            #expect(index.locate(2.nextUp, 1.5) == .inside(0))
        }
    }
}
