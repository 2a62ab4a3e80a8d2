import Foundation
import Testing
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggePartition
@testable import WanggePlans

/// `plan split GRID --line`: on the bundled plan's real geometry, the two new grids tile the old
/// one, each is one polygon, the blocks dissolve to them, the pieces' figures are what lies in
/// them, the block graph still has exactly the shared edges GEOS finds, and the bad lines are
/// refused with their reason.
@Suite(.serialized) struct PlanLineSplitTests {
    static var editor: PlanEditor { PlanEditor(boundaries: Bundled.boundaries, layers: Bundled.layers) }
    // Used only by this suite, whose tests run one at a time (.serialized): PROJ set up once.
    nonisolated(unsafe) static let toMetric = try! PROJTransformer(from: .wgs84, to: Bundled.boundaries.profile.metricCRS)
    nonisolated(unsafe) static let toWGS84 = try! PROJTransformer(from: Bundled.boundaries.profile.metricCRS, to: .wgs84)

    static func grid(_ plan: Plan, _ code: String) -> Feature { plan.grids.features.first { Plan.gridCode($0) == code }! }

    /// A grid of at least 6 blocks in a village of at least 2 grids, and a straight line (metres)
    /// through its centroid that crosses its boundary exactly twice (GEOS says so: the line's part
    /// inside the grid is one segment), extended 30 m beyond it at both ends.
    static func straightCut() throws -> (code: String, village: String, line: [Coordinate], metric: [Coordinate]) {
        guard let first = try straightCuts(limit: 1).first else {
            throw PlanError(kind: .badArgument, file: "test", message: "no grid with a straight cut in the bundled plan")
        }
        return first
    }

    /// Up to `limit` such cuts, one per village, at the first angle (0°, 15°, …) that crosses once.
    static func straightCuts(limit: Int) throws -> [(code: String, village: String, line: [Coordinate], metric: [Coordinate])] {
        let ctx = GEOSContext()
        var out: [(code: String, village: String, line: [Coordinate], metric: [Coordinate])] = []
        villages: for (village, codes) in Bundled.plan.gridsByVillage where codes.count >= 2 {
            let vb = try VillageBlocks.of(Bundled.plan, village: village)
            for code in codes where vb.nodes(of: code).count >= 6 {
                let g = try toMetric.transform(grid(Bundled.plan, code).geometry!)
                let gg = try ctx.geometry(from: g)
                let c = try gg.centroid().pointCoordinate()!
                let env = g.envelope!
                let reach = max(env.width, env.height) * 1.5
                for angle in stride(from: 0.0, to: 180.0, by: 15.0) {
                    let dx = cos(angle * .pi / 180), dy = sin(angle * .pi / 180)
                    let long = try ctx.geometry(from: .lineString([Coordinate(c.x - reach * dx, c.y - reach * dy), Coordinate(c.x + reach * dx, c.y + reach * dy)]))
                    let inside = try gg.intersection(long).value()
                    guard case .lineString(let seg) = inside, seg.count == 2 else { continue }
                    let a = seg[0], b = seg[1]
                    let ux = (b.x - a.x), uy = (b.y - a.y), l = (ux * ux + uy * uy).squareRoot()
                    let metric = [Coordinate(a.x - 30 * ux / l, a.y - 30 * uy / l), Coordinate(b.x + 30 * ux / l, b.y + 30 * uy / l)]
                    // The extended ends are outside the grid.
                    guard try !gg.intersects(ctx.point(metric[0])), try !gg.intersects(ctx.point(metric[1])) else { continue }
                    out.append((code, village, try toWGS84.transform(metric), metric))
                    if out.count == limit { return out }
                    continue villages
                }
            }
        }
        return out
    }

    /// A straight cut that enters a grid through the middle of the longest edge (over 800 m) it
    /// shares with another grid of its village — where a vertex on the edge in metres is centimetres
    /// off the edge as stored (straight in longitude/latitude), so the neighbour must get the same
    /// stored vertex.
    static func longEdgeCut() throws -> (code: String, village: String, line: [Coordinate], metric: [Coordinate])? {
        let ctx = GEOSContext()
        var best: (length: Double, code: String, village: String, a: Coordinate, b: Coordinate)?
        for (village, codes) in Bundled.plan.gridsByVillage where codes.count >= 2 {
            let vb = try VillageBlocks.of(Bundled.plan, village: village)
            var owner: [[Coordinate]: Set<String>] = [:]
            for n in vb.ids.indices {
                for ring in Bundled.plan.blocks.features[vb.featureIndex[n]].geometry!.polygons.flatMap(\.rings) {
                    for k in 1..<ring.count {
                        let key = (ring[k - 1].x, ring[k - 1].y) < (ring[k].x, ring[k].y) ? [ring[k - 1], ring[k]] : [ring[k], ring[k - 1]]
                        owner[key, default: []].insert(vb.grid[n])
                    }
                }
            }
            for (key, grids) in owner where grids.count == 2 {
                let m = try toMetric.transform(key)
                let length = LineMetric.distance(m[0], m[1])
                guard length > 800, best == nil || length > best!.length else { continue }
                let code = grids.sorted()[0]
                if vb.nodes(of: code).count >= 3 { best = (length, code, village, m[0], m[1]) }
            }
        }
        guard let e = best else { return nil }
        let g = try ctx.geometry(from: toMetric.transform(grid(Bundled.plan, e.code).geometry!))
        let mid = Coordinate((e.a.x + e.b.x) / 2, (e.a.y + e.b.y) / 2)
        let ux = (e.b.x - e.a.x) / e.length, uy = (e.b.y - e.a.y) / e.length
        for sign in [1.0, -1.0] {
            for angle in [0.0, 15, -15, 30, -30, 45, -45] {
                let c = cos(angle * .pi / 180), s = sin(angle * .pi / 180)
                let nx = sign * (-uy * c - ux * s), ny = sign * (ux * c - uy * s)
                let start = Coordinate(mid.x - 30 * nx, mid.y - 30 * ny)
                guard try !g.intersects(ctx.point(start)) else { continue }
                let far = Coordinate(mid.x + 20_000 * nx, mid.y + 20_000 * ny)
                guard case .lineString(let seg) = try g.intersection(ctx.geometry(from: .lineString([start, far]))).value(), seg.count == 2 else { continue }
                let exit = LineMetric.distance(seg[0], start) > LineMetric.distance(seg[1], start) ? seg[0] : seg[1]
                let end = Coordinate(exit.x + 30 * nx, exit.y + 30 * ny)
                let metric = [start, end]
                return (e.code, e.village, try toWGS84.transform(metric), metric)
            }
        }
        return nil
    }

    static func area(_ g: Geometry) throws -> Double { try toMetric.transform(g).polygons.reduce(0) { $0 + $1.planarArea } }

    /// Six grids of six villages, each cut by a straight line through its centroid.
    @Test func aStraightLineSplitsTheGridIntoTwoThatTileItAndTheBlocksFollow() throws {
        let cuts = try Self.straightCuts(limit: 6)
        #expect(cuts.count == 6)
        for (k, cut) in cuts.enumerated() { try Self.checkStraightCut(cut, recordInStore: k == 0) }
    }

    /// Where the line crosses the village's outline it goes through the crossed segment's nearer
    /// end, and says how far that is (the bundled outlines have a vertex every 25 m at most, so
    /// this is checked on a drawn case: a 200 m segment crossed in its middle and near an end).
    @Test func theLineMeetsTheOutlineAtItsNearerVertexAndSaysHowFar() {
        let outline = [(Coordinate(0, 0), Coordinate(200, 0))]
        let middle = LineSnap.throughOutlineVertices([Coordinate(100, -30), Coordinate(100, 50)], outline: outline)
        #expect(middle.line == [Coordinate(100, -30), Coordinate(0, 0), Coordinate(100, 50)])
        #expect(middle.farthest?.metres == 100 && middle.farthest?.at == Coordinate(100, 0))
        let nearEnd = LineSnap.throughOutlineVertices([Coordinate(190, -5), Coordinate(190, 5)], outline: outline)
        #expect(nearEnd.line == [Coordinate(190, -5), Coordinate(200, 0), Coordinate(190, 5)])
        #expect(nearEnd.farthest?.metres == 10)
        // Not crossing it: unchanged.
        #expect(LineSnap.throughOutlineVertices([Coordinate(0, 5), Coordinate(200, 5)], outline: outline).line == [Coordinate(0, 5), Coordinate(200, 5)])
        // How far it may move: 25 m, or 5 × the snap tolerance.
        #expect(LineSnap.outlineReach(snap: 5) == 25 && LineSnap.outlineReach(snap: 10) == 50)
    }

    @Test func aLineAcrossALongEdgeBetweenTwoGridsPutsTheSameVertexIntoBoth() throws {
        let cut = try #require(try Self.longEdgeCut(), "no grid edge over 800 m in the bundled plan")
        try Self.checkStraightCut(cut, recordInStore: false)
    }

    static func checkStraightCut(_ c: (code: String, village: String, line: [Coordinate], metric: [Coordinate]), recordInStore: Bool) throws {
        let (code, village, line, metric) = c
        let r = try Self.editor.apply(.splitAlong(grid: code, line: line, snap: 5), to: Bundled.plan)
        let newCode = try #require(r.added.first)
        #expect(r.added.count == 1 && r.removed.isEmpty && r.changed.contains(code))
        let old = Self.grid(Bundled.plan, code).geometry!, a = Self.grid(r.plan, code).geometry!, b = Self.grid(r.plan, newCode).geometry!
        // Each is one polygon; the side with more households kept the code (equal: the larger).
        guard case .polygon = a, case .polygon = b else { Issue.record("not one polygon each: \(a.typeName), \(b.typeName)"); return }
        let ha = Self.grid(r.plan, code).int("households")!, hb = Self.grid(r.plan, newCode).int("households")!
        let (aa, ab) = (try Self.area(a), try Self.area(b))
        #expect(ha > hb || (ha == hb && aa >= ab))
        #expect(ha + hb == Self.grid(Bundled.plan, code).int("households"))
        // They tile the old grid in the stored coordinates (GEOS on longitude/latitude, where the
        // edges are straight as stored; 1e-10 deg² is about 1 m² here, the grid check's own
        // tolerance — a new vertex on a long edge is on the 7-decimal lattice, a fraction of a
        // millimetre off it): areas add up, no overlap, the union is the old grid.
        let ctx = GEOSContext()
        let ga = try ctx.geometry(from: a), gb = try ctx.geometry(from: b), gold = try ctx.geometry(from: old)
        let sum = try ga.area() + gb.area() - gold.area(), sym = try ga.union(gb).symDifference(gold).area()
        #expect(abs(sum) < 1e-10, "\(code): \(sum) deg² \(sym)")
        #expect(try ga.intersection(gb).area() < 1e-10)
        #expect(sym < 1e-10)
        // In metres the village's grids still sum to its area as before (a vertex put into a long
        // neighbour edge moves area between the two grids there, never out of the village).
        let villageArea = { (p: Plan) in try p.grids.features.filter { $0.string("village_code") == village }.reduce(0.0) { $0 + (try Self.area($1.geometry!)) } }
        #expect(abs(try villageArea(r.plan) - villageArea(Bundled.plan)) < 1)
        // Each lies on its own side of the line: a vertex on the wrong side is within the snap
        // tolerance of it, or is a vertex of the village's outline (where the line meets the
        // outline it goes through the outline's nearer vertex).
        let (p, q) = (metric[0], metric[1])
        func signed(_ c: Coordinate) -> Double {
            let dx = q.x - p.x, dy = q.y - p.y
            return ((c.x - p.x) * dy - (c.y - p.y) * dx) / (dx * dx + dy * dy).squareRoot()
        }
        var outline = Set<Coordinate>()
        Bundled.boundaries.villages.first { $0.code == village }!.geometry.forEachCoordinate { outline.insert($0) }
        let ra = a.polygons[0].exterior, rb = b.polygons[0].exterior
        let sa = try Self.toMetric.transform(ra).map(signed), sb = try Self.toMetric.transform(rb).map(signed)
        let aPositive = (sa.max() ?? 0) > -(sa.min() ?? 0)
        for (s, c) in zip(sa, ra) where !(aPositive ? s > -5.5 : s < 5.5) { #expect(outline.contains(c), "\(code): \(s) m on the wrong side") }
        for (s, c) in zip(sb, rb) where !(aPositive ? s < 5.5 : s > -5.5) { #expect(outline.contains(c), "\(code): \(s) m on the wrong side") }

        // The blocks: the crossed ones cut into pieces with the parent's id and a suffix; every
        // grid of the plan is the union of its blocks, and the plan passes the district's check.
        let cut = try #require(r.cut)
        #expect(!cut.pieces.isEmpty)
        #expect(cut.drawn > 0)
        for piece in cut.pieces {
            #expect(piece.pieces.count >= 2)
            #expect(piece.pieces.allSatisfy { $0.hasPrefix(piece.parent + ".") })
            #expect(!r.plan.blocks.features.contains { Plan.blockID($0) == piece.parent })
        }
        try PlanEditTests.expectValidPlan(r.plan)
        PlanEditTests.expectOnlyVillageChanged(Bundled.plan, r.plan, village: village)
        for c in [code, newCode] {
            let members = try r.plan.blocks.features.filter { $0.string("grid_code") == c }.map { try ctx.geometry(from: Self.toMetric.transform($0.geometry!)) }
            let dissolved = try ctx.union(of: members)
            let g = try ctx.geometry(from: Self.toMetric.transform(Self.grid(r.plan, c).geometry!))
            #expect(try dissolved.symDifference(g).area() < 1, "\(c): blocks do not dissolve to the grid")
        }

        // Pieces' figures: each piece's addresses and households are the village's addresses
        // inside it (GEOS covers, an independent test of the point rule), and sum to the parent's.
        let addresses = Bundled.layers.addresses.filter { $0.villageCode == village }
        for piece in cut.pieces {
            let parent = Bundled.plan.blocks.features.first { Plan.blockID($0) == piece.parent }!
            var households = 0, count = 0
            for id in piece.pieces {
                let f = r.plan.blocks.features.first { Plan.blockID($0) == id }!
                let prepared = try ctx.geometry(from: f.geometry!).prepared()
                let inside = try addresses.filter { try prepared.covers($0.position) }
                #expect(f.int("addresses") == inside.count, "\(id)")
                #expect(f.int("households") == inside.reduce(0) { $0 + $1.households }, "\(id)")
                households += f.int("households")!
                count += f.int("addresses")!
            }
            #expect(households == parent.int("households") && count == parent.int("addresses"), "\(piece.parent)")
        }

        // The block graph after the cut has exactly the shared edges GEOS finds (pieces share
        // their vertices with every neighbour: no T-junction), and each grid is one piece of it.
        let vb = try VillageBlocks.of(r.plan, village: village)
        let metricBlocks = try vb.featureIndex.map { try Self.toMetric.transform(r.plan.blocks.features[$0].geometry!) }
        let rings = try metricBlocks.map { try ctx.geometry(from: .multiLineString($0.polygons.flatMap(\.rings))) }
        for x in vb.ids.indices {
            for y in (x + 1)..<vb.ids.count where metricBlocks[x].envelope!.intersects(metricBlocks[y].envelope!) {
                let shared = try rings[x].intersection(rings[y]).length()
                if shared > 0.01 {
                    #expect(vb.graph.sharedLength(x, y) != nil, "\(vb.ids[x])–\(vb.ids[y]) share \(shared) m but are not neighbours in the graph")
                }
            }
        }
        for c in vb.gridCodes { #expect(vb.graph.isConnected(vb.nodes(of: c)), "\(c)") }

        // Through the store: one version, action split.
        guard recordInStore else { return }
        let book = try Bundled.store("line-split")
        let e = try book.edit(.splitAlong(grid: code, line: line, snap: 5), boundaries: Bundled.boundaries, layers: Bundled.layers, stamp: Bundled.stamp("", 1))
        #expect(e.after.version == 2 && e.after.action == "split" && e.after.message == "split \(code) along a drawn line")
        #expect(try book.plan().1 == Plan.decode(r.plan.content(), store: "as stored"))
    }

    @Test func aLineDrawnNearBlockEdgesIsSnappedOntoThemAndCutsNoBlock() throws {
        // A grid and one of its blocks on its edge whose boundary with the rest of the grid is one
        // line from the grid's edge to its edge; that line, each vertex pushed 1.5 m aside and
        // its ends carried 10 m beyond, splits the grid exactly as `split --blocks` of that block.
        let ctx = GEOSContext()
        var found: (code: String, block: String, line: [Coordinate])?
        search: for (village, codes) in Bundled.plan.gridsByVillage where codes.count >= 2 {
            let vb = try VillageBlocks.of(Bundled.plan, village: village)
            for code in codes {
                let nodes = vb.nodes(of: code)
                guard nodes.count >= 3 else { continue }
                func outline(_ g: Geometry) throws -> GEOSGeometryHandle { try ctx.geometry(from: .multiLineString(g.polygons.flatMap(\.rings))) }
                let gridBoundary = try outline(Self.toMetric.transform(Self.grid(Bundled.plan, code).geometry!))
                for v in nodes where vb.graph.isConnected(nodes.filter { $0 != v }) {
                    let block = try outline(Self.toMetric.transform(Bundled.plan.blocks.features[vb.featureIndex[v]].geometry!))
                    let rest = try ctx.union(of: nodes.filter { $0 != v }.map { try ctx.geometry(from: Self.toMetric.transform(Bundled.plan.blocks.features[vb.featureIndex[$0]].geometry!)) }).value()
                    guard case .lineString(let shared) = try block.intersection(outline(rest)).lineMerge().value(), shared.count >= 2 else { continue }
                    // Vertices at least 10 m apart: a 1.5 m push is then unambiguous (courtyard
                    // edges zigzag between houses with vertices a metre apart).
                    guard zip(shared, shared.dropFirst()).allSatisfy({ hypot($1.x - $0.x, $1.y - $0.y) >= 10 }) else { continue }
                    guard shared.count >= 3, try ctx.geometry(from: .lineString(shared)).length() > 60,
                          try gridBoundary.distance(to: ctx.point(shared.first!)) < 1e-6, try gridBoundary.distance(to: ctx.point(shared.last!)) < 1e-6 else { continue }
                    var drawn: [Coordinate] = []
                    for (k, c) in shared.enumerated() {
                        let s = k % 2 == 0 ? 1.5 : -1.5
                        drawn.append(Coordinate(c.x + s * 0.6, c.y + s * 0.8))
                    }
                    func extend(_ end: Coordinate, _ from: Coordinate) -> Coordinate {
                        let dx = end.x - from.x, dy = end.y - from.y, l = (dx * dx + dy * dy).squareRoot()
                        return Coordinate(end.x + 10 * dx / l, end.y + 10 * dy / l)
                    }
                    drawn.insert(extend(shared[0], shared[1]), at: 0)
                    drawn.append(extend(shared[shared.count - 1], shared[shared.count - 2]))
                    // The extensions must stay outside the grid.
                    let g = try ctx.geometry(from: Self.toMetric.transform(Self.grid(Bundled.plan, code).geometry!))
                    guard try !g.intersects(ctx.point(drawn.first!)), try !g.intersects(ctx.point(drawn.last!)) else { continue }
                    found = (code, vb.ids[v], try Self.toWGS84.transform(drawn))
                    break search
                }
            }
        }
        let f = try #require(found)
        let r = try Self.editor.apply(.splitAlong(grid: f.code, line: f.line, snap: 5), to: Bundled.plan)
        #expect(r.cut?.pieces.isEmpty == true, "\(r.cut?.pieces ?? [])")
        #expect((r.cut?.drawn ?? 1) < 1)
        let byBlocks = try Self.editor.apply(.split(grid: f.code, blocks: [f.block]), to: Bundled.plan)
        #expect(Set(PlanEditTests.blocksByGrid(r.plan).values) == Set(PlanEditTests.blocksByGrid(byBlocks.plan).values))
        try PlanEditTests.expectValidPlan(r.plan)
    }

    @Test func badLinesAreRefusedWithTheirReason() throws {
        let (code, _, _, metric) = try Self.straightCut()
        func reasons(_ line: [Coordinate], locked: Set<String> = []) throws -> [String] {
            var e = Self.editor
            e.locked = locked
            do { _ = try e.apply(.splitAlong(grid: code, line: try Self.toWGS84.transform(line), snap: 5), to: Bundled.plan); return [] }
            catch let r as PlanEditRefused { return r.reasons }
        }
        let (p, q) = (metric[0], metric[1])
        let mid = Coordinate((p.x + q.x) / 2, (p.y + q.y) / 2)
        // Ends inside the grid: from outside to the middle.
        #expect(try reasons([p, mid]).contains { $0.contains("does not cut \(code) in two") })
        // Entirely outside the grid, far away.
        #expect(try reasons([Coordinate(p.x + 50_000, p.y), Coordinate(q.x + 50_000, q.y)]).contains { $0.contains("one side would be empty") })
        // Across, then back across 40 m further on: three pieces.
        let dx = q.x - p.x, dy = q.y - p.y, l = (dx * dx + dy * dy).squareRoot()
        let nx = -dy / l * 40, ny = dx / l * 40
        let back = [p, q, Coordinate(q.x + nx, q.y + ny), Coordinate(p.x + nx, p.y + ny)]
        let r3 = try reasons(back)
        #expect(r3.contains { $0.contains("a side would be in several pieces") } || r3.contains { $0.contains("pieces") }, "\(r3)")
        // Locked.
        #expect(try reasons([p, q], locked: [code]).contains { $0.contains("\(code) is locked") })
    }

    @Test func theLineIsReadFromGeoJSONOrWKTAndBadInputIsNamed() throws {
        let dir = Bundled.temporaryDirectory("drawn-line")
        func file(_ name: String, _ text: String) throws -> String {
            let path = (dir as NSString).appendingPathComponent(name)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let expected = [Coordinate(103.5, 29.4), Coordinate(103.6, 29.5)]
        #expect(try DrawnLine.read("LINESTRING (103.5 29.4, 103.6 29.5)") == expected)
        #expect(try DrawnLine.read(file("l.wkt", "LINESTRING(103.5 29.4,103.6 29.5)\n")) == expected)
        #expect(try DrawnLine.read(file("g.geojson", #"{"type":"LineString","coordinates":[[103.5,29.4],[103.6,29.5]]}"#)) == expected)
        #expect(try DrawnLine.read(file("f.geojson", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[103.5,29.4],[103.6,29.5]]}}]}"#)) == expected)
        func message(_ argument: String) -> String {
            do { _ = try DrawnLine.read(argument); return "" } catch { return "\(error)" }
        }
        let polygon = try file("p.geojson", #"{"type":"Feature","id":"a","properties":{},"geometry":{"type":"Polygon","coordinates":[[[103.5,29.4],[103.6,29.4],[103.6,29.5],[103.5,29.4]]]}}"#)
        #expect(message(polygon).contains(polygon) && message(polygon).contains("is a Polygon; expected a LineString"))
        let two = try file("two.geojson", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[103.5,29.4],[103.6,29.5]]}},{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[103.5,29.4],[103.6,29.5]]}}]}"#)
        #expect(message(two).contains("has 2 features"))
        #expect(message("LINESTRING (500000 3250000, 501000 3251000)").contains("is not a WGS-84 longitude, latitude"))
        #expect(message("LINESTRING (103.5 29.4)").contains("WKT"))
        #expect(message("LINESTRING (103.5 29.4, 103.5 29.4)").contains("at least 2"))
        #expect(message("no-such-file.geojson").contains("neither a file nor a LineString"))
        #expect(message("POLYGON ((103 29, 103.1 29, 103.1 29.1, 103 29))").contains("WKT Polygon; expected one LINESTRING"))
        #expect(message(try file("broken.geojson", #"{"type":"LineString","coordinates":[[103.5,29.4],"#)).contains("broken.geojson"))
        #expect(message(dir).contains("a directory"))
    }
}

enum LineMetric {
    static func distance(_ a: Coordinate, _ b: Coordinate) -> Double { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() }
}
