import Foundation
import Testing
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeGrids

/// Every grid a partition writes is valid, and the plan passes `wangge validate`'s checks, for
/// grid counts other than the default too. Before the fixes: --households-per-grid 300 and
/// --grids 250/300 wrote a self-touching grid (观峨社区, a sliver along the village outline),
/// --grids 300 and --households-per-grid 250 a 1.4 m² gap (杨岗村, T-junctions of refinement
/// cuts), and --grids 350/400 stopped with "graph not connected" (雷店村, the same T-junctions).
@Suite struct PlanValidityTests {
    static let bundled = GridPlannerTests.bundled

    static func plan(_ count: PartitionOptions.GridCount) throws -> GridPlan {
        var options = PartitionOptions()
        options.gridCount = count
        return try GridPlanner(options: options).plan(boundaries: bundled.0, layers: bundled.1)
    }

    /// One partition of the whole district each (about 15 s of CPU in a debug build).
    @Test(arguments: [PartitionOptions.GridCount.total(150), .total(250), .total(300), .total(350),
                      .loadPerGrid(250), .loadPerGrid(300), .loadPerGrid(350), .loadPerGrid(400)])
    func writtenGridsPassValidation(_ count: PartitionOptions.GridCount) throws {
        let plan = try Self.plan(count)
        let report = try plan.validation(against: Self.bundled.0)
        #expect(report.problems.isEmpty, "\(count): \(report.problems.prefix(5))")
        #expect(report.grids == plan.grids.count && report.villagesCovered == Self.bundled.0.villages.count)
        try plan.checkValid(against: Self.bundled.0)
    }

    /// Blocks A and B meet only along a 5 mm sliver of A between a street and the village
    /// outline; A–C and B–C share real edges. A–B is flagged, and a grid {A, B} is not in one
    /// piece through real edges.
    @Test func boundarySharedOnlyAlongTheOutlineIsFlagged() throws {
        let ctx = GEOSContext()
        let outline = Polygon(exterior: [Coordinate(0, 0), Coordinate(100, 0), Coordinate(100, 100), Coordinate(0, 100), Coordinate(0, 0)])
        let s = 0.005
        let a = Polygon(exterior: [Coordinate(0, 0), Coordinate(100, 0), Coordinate(100, s), Coordinate(60, s), Coordinate(50, s),
                                   Coordinate(50, 100), Coordinate(0, 100), Coordinate(0, 0)])
        let c = Polygon(exterior: [Coordinate(50, s), Coordinate(60, s), Coordinate(60, 100), Coordinate(50, 100), Coordinate(50, s)])
        let b = Polygon(exterior: [Coordinate(60, s), Coordinate(100, s), Coordinate(100, 100), Coordinate(60, 100), Coordinate(60, s)])
        let band = try OutlineBand([outline], context: ctx)
        let (edges, along) = try GridPlanner.adjacency([a, b, c], refined: [false, false, false], band: band, context: ctx)
        let flagged = Dictionary(uniqueKeysWithValues: zip(edges.map { "\($0.0)-\($0.1)" }, along))
        #expect(flagged == ["0-1": true, "0-2": false, "1-2": false])
        let real = zip(edges, along).filter { !$0.1 }.map(\.0)
        #expect(!GridPlanner.regionsConnected([0, 0, 1], edges: real, count: 3))
        #expect(GridPlanner.regionsConnected([0, 1, 0], edges: real, count: 3))
    }

    /// A refinement cut that would cross a block's edge a centimetre from one of its vertices
    /// goes through that vertex instead. Left as it was, the 1.2 cm edge between the crossing and
    /// the vertex is below what 7 decimals of a degree hold: the writer's spike cleaning dropped
    /// the crossing from the grid on one side of the cut and kept it on the other, and the two
    /// grids overlapped along the 470 m cut (富民村 511111204202, --grids 250/300/350 under hours).
    @Test func aRefinementCutMakesNoEdgeShorterThanItsSnapTolerance() throws {
        let ctx = GEOSContext()
        // The cut falls at x = 5 (between the two houses); the bottom edge bends at x = 5.012.
        let block = Polygon(exterior: [Coordinate(0, 0), Coordinate(5.012, 0), Coordinate(10, 1), Coordinate(10, 10),
                                       Coordinate(0, 10), Coordinate(0, 0)])
        let points = [(Coordinate(4, 5), Figures()), (Coordinate(6, 5), Figures())]
        let (pieces, _) = try GridPlanner.split(block, points: points, weights: .modelHours, context: ctx)
        #expect(pieces.count == 2)
        #expect(abs(pieces.map(\.planarArea).reduce(0, +) - block.planarArea) < 1e-6)
        let old = block.exterior
        for c in pieces.flatMap(\.exterior) where !old.contains(c) {
            let nearest = old.map { hypot($0.x - c.x, $0.y - c.y) }.min()!
            #expect(nearest >= GridPlanner.cutSnapTolerance, "new vertex \(c) is \(nearest) m from a vertex of the block")
        }
    }

    /// A street that runs a few millimetres inside the village outline for a stretch (the two were
    /// drawn from each other) is put onto the outline's vertices there when blocks are cut. Left
    /// as it was, the block on the far side of the street kept the millimetre sliver between them
    /// as a 50 m spike along the outline; the writer puts the spike's outline side on the outline
    /// and leaves the street side a straight chord, and the two cross (葫芦社区 511111104001, a
    /// self-intersecting grid for --grids 300/350 under hours, wherever the street separates grids).
    @Test func aStreetAHairInsideTheOutlineLeavesNoSliverSpike() throws {
        let outline = Polygon(exterior: [Coordinate(0, 0), Coordinate(20, -0.004), Coordinate(40, -0.008), Coordinate(60, -0.006),
                                         Coordinate(80, -0.003), Coordinate(100, 0), Coordinate(100, 100), Coordinate(0, 100),
                                         Coordinate(0, 0)])
        let cutter = BlockCutter(rules: .init(town: [.street], countryside: [], minimumBlockArea: 10), context: GEOSContext())
        let street = CuttingLine(category: .street, points: [Coordinate(-5, 0), Coordinate(50, 0), Coordinate(50, 105)])
        let blocks = try cutter.blocks(of: outline, lines: [street])
        #expect(blocks.count == 2)
        #expect(abs(blocks.map(\.planarArea).reduce(0, +) - outline.planarArea) < 1e-6)
        let west = blocks.first { FaceNetwork.contains($0, Coordinate(25, 50)) }!
        let east = blocks.first { FaceNetwork.contains($0, Coordinate(75, 50)) }!
        // West of the street the block runs down to the outline; east of it, nothing reaches under it.
        #expect(west.exterior.contains(Coordinate(20, -0.004)) && west.exterior.contains(Coordinate(40, -0.008)))
        #expect(Geometry.polygon(east).envelope!.minX >= 40)
    }

    /// Splitting a block gives its neighbour the vertex where the cut meets their shared edge.
    @Test func refinementGivesTheNeighbourTheCutsVertex() {
        let left = Polygon(exterior: [Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 10), Coordinate(0, 10), Coordinate(0, 0)])
        let right = Polygon(exterior: [Coordinate(10, 0), Coordinate(20, 0), Coordinate(20, 10), Coordinate(10, 10), Coordinate(10, 0)])
        // `left` cut along y = 4: both pieces have (10, 4) on the shared edge x = 10.
        let pieces = [Polygon(exterior: [Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 4), Coordinate(0, 4), Coordinate(0, 0)]),
                      Polygon(exterior: [Coordinate(0, 4), Coordinate(10, 4), Coordinate(10, 10), Coordinate(0, 10), Coordinate(0, 4)])]
        let out = GridPlanner.insertingNewVertices(of: pieces, replacing: 0, into: [left, right])
        #expect(out[1].exterior == [Coordinate(10, 0), Coordinate(20, 0), Coordinate(20, 10), Coordinate(10, 10), Coordinate(10, 4), Coordinate(10, 0)])
        #expect(out[0].exterior == left.exterior)
    }

    /// A spike measured off its short leg looks wider than the 2e-7° tolerance; measured off
    /// its long leg (strict) it is a zero-width spike, and removing it leaves a valid ring.
    @Test func strictCleaningRemovesASpikeMeasuredOffItsLongLeg() throws {
        let ring = [Coordinate(0, 4e-8), Coordinate(1e-5, 0), Coordinate(-5e-5, 0), Coordinate(-5e-5, -5e-5), Coordinate(0, -5e-5),
                    Coordinate(0, 4e-8)]
        let ctx = GEOSContext()
        let loose = OutlineFaithfulProjection.cleaned(ring)
        #expect(loose.count == 6)
        #expect(try !ctx.geometry(from: .polygon(Polygon(exterior: loose))).validity().isValid)
        let strict = OutlineFaithfulProjection.cleaned(ring, strict: true)
        #expect(strict == [Coordinate(0, 4e-8), Coordinate(-5e-5, 0), Coordinate(-5e-5, -5e-5), Coordinate(0, -5e-5), Coordinate(0, 4e-8)])
        #expect(try ctx.geometry(from: .polygon(Polygon(exterior: strict))).validity().isValid)
    }

    /// Two grids meet at a corner where the edge between them has two vertices 9.5 mm apart
    /// (511111100003 at --households-per-grid 120), rounded to one 10⁻⁷° step apart. The spike
    /// test alone drops Q from one grid and P from the other (each ring meets the pair from its
    /// own side), and the grids overlap by a thin triangle on each edge (1.3 m²). With the pair
    /// merged first, both keep the same vertex and the edges they share are the same.
    @Test func aRoundedNearPairAtACornerIsMergedTheSameWayInBothGrids() throws {
        let s = Coordinate(103.5466918, 29.3947106), q = Coordinate(103.5468618, 29.3946627)
        let p = Coordinate(103.5468618, 29.3946628), t = Coordinate(103.5479578, 29.3935426)
        // Grid A runs S → Q → P → T, grid B the other way; each closed by a vertex of its own side.
        let a = [s, q, p, t, Coordinate(103.5479578, 29.3920000), Coordinate(103.5460000, 29.3930000)]
        let b = [t, p, q, s, Coordinate(103.5466918, 29.3960000), Coordinate(103.5480000, 29.3950000)]
        // The spike test alone: the two grids disagree.
        let aloneA = OutlineFaithfulProjection.cleaned(a + [a[0]]), aloneB = OutlineFaithfulProjection.cleaned(b + [b[0]])
        #expect(aloneA.contains(p) != aloneB.contains(p) && aloneA.contains(q) != aloneB.contains(q))
        // Merged first: the pair becomes its smaller vertex (by x, then y) in both.
        let merge = OutlineFaithfulProjection.nearPairs(in: [a, b])
        #expect(merge == [p: q])
        // A vertex of the village outline (or a junction put on it) is the one kept; two such, neither.
        #expect(OutlineFaithfulProjection.nearPairs(in: [a, b], keeping: [p]) == [q: p])
        #expect(OutlineFaithfulProjection.nearPairs(in: [a, b], keeping: [p, q]).isEmpty)
        let ringA = OutlineFaithfulProjection.cleaned(a.map { merge[$0] ?? $0 } + [a[0]])
        let ringB = OutlineFaithfulProjection.cleaned(b.map { merge[$0] ?? $0 } + [b[0]])
        #expect(Array(ringA.prefix(3)) == [s, q, t] && Array(ringB.prefix(3)) == [t, q, s])
        let ctx = GEOSContext()
        let overlap = try ctx.geometry(from: .polygon(Polygon(exterior: ringA))).intersection(ctx.geometry(from: .polygon(Polygon(exterior: ringB)))).area()
        #expect(overlap == 0)
        // Vertices a whole step and a half apart, or two steps, are left alone.
        #expect(OutlineFaithfulProjection.nearPairs(in: [[s, Coordinate(s.x + 1.5e-7, s.y), t]]).isEmpty)
        #expect(OutlineFaithfulProjection.nearPairs(in: [[s, Coordinate(s.x + 1e-7, s.y + 1e-7), t]]).count == 1)
    }
}

/// The check on the default plan, in the suite that already holds it (no second partition).
extension GridPlannerTests {
    @Test func theDefaultPlanPassesItsOwnCheck() throws {
        try Self.plan.checkValid(against: Self.bundled.0)
    }

    /// The check a partition runs before writing names the grid, what is wrong and where.
    @Test func anInvalidPlanIsRejectedNamingTheGridTheProblemAndThePlace() throws {
        var plan = Self.plan
        let g = plan.grids.indices.first { plan.grids[$0].blockCount > 1 }!
        let c = FaceNetwork.interiorPoint(plan.grids[g].polygon)
        // A bow-tie: its ring crosses itself at c.
        plan.grids[g].polygon = Polygon(exterior: [Coordinate(c.x - 20, c.y - 20), Coordinate(c.x + 20, c.y + 20),
                                                   Coordinate(c.x + 20, c.y - 20), Coordinate(c.x - 20, c.y + 20),
                                                   Coordinate(c.x - 20, c.y - 20)])
        let code = plan.grids[g].code
        do {
            try plan.checkValid(against: Self.bundled.0)
            Issue.record("an invalid plan passed the check")
        } catch GridPlanError.invalidPlan(let problems) {
            let invalid = problems.first { $0.kind == .invalid }
            #expect(invalid?.subject == code)
            #expect(invalid?.location != nil)
            // The grid no longer covers its village: the gap is reported for the village.
            #expect(problems.contains { $0.kind == .gap && $0.subject == plan.grids[g].villageCode })
            let text = String(describing: GridPlanError.invalidPlan(problems: problems))
            #expect(text.contains("\(code): invalid geometry") && text.contains(" at 103."), "\(text)")
        }
    }
}
