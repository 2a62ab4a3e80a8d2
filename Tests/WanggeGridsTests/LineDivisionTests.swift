import Testing
import WanggeGeometry
import WanggeIO
@testable import WanggeGrids

/// The count that spares GEOS must never say "cannot cut" where GEOS's faces say it does.
@Suite struct LineDivisionTests {
    let ctx = GEOSContext()
    let block = Polygon(exterior: [Coordinate(0, 0), Coordinate(200, 0), Coordinate(200, 100), Coordinate(0, 100), Coordinate(0, 0)])
    let holed = Polygon(exterior: [Coordinate(0, 0), Coordinate(200, 0), Coordinate(200, 100), Coordinate(0, 100), Coordinate(0, 0)],
                        holes: [[Coordinate(80, 30), Coordinate(80, 70), Coordinate(120, 70), Coordinate(120, 30), Coordinate(80, 30)]])

    func may(_ p: Polygon, _ lines: [[Coordinate]]) -> Bool { LineDivision.mayDivide(p, by: lines, tolerance: 0.06) }

    /// Faces GEOS makes (slivers merged), as refinement counts them.
    func faces(_ p: Polygon, _ lines: [[Coordinate]]) throws -> Int {
        let network = try FaceNetwork(lines: lines, outline: p, context: ctx, gridSize: BlockRules.seed.gridSize,
                                      snapTolerance: GridPlanner.cutSnapTolerance)
        return try BlockCutter(rules: .seed, context: ctx).mergeSlivers(network).count
    }

    @Test func chordsAndLoopsCut() throws {
        let cases: [[[Coordinate]]] = [
            [[Coordinate(100, -5), Coordinate(100, 105)]],                                        // across
            [[Coordinate(100, 0), Coordinate(100, 100)]],                                         // end to end, on the edges
            [[Coordinate(-5, 50), Coordinate(60, 50)], [Coordinate(60, -5), Coordinate(60, 50)]], // two lines meeting: a corner cut off
            [[Coordinate(50, 20), Coordinate(150, 20), Coordinate(150, 80), Coordinate(50, 80), Coordinate(50, 20)]], // a loop inside
        ]
        for lines in cases {
            #expect(try faces(block, lines) >= 2)
            #expect(may(block, lines))
        }
        // Ends 3 and 4 cm short of the edges: GEOS leaves them apart, the count errs to "may".
        #expect(may(block, [[Coordinate(100, 100.03), Coordinate(100, 50), Coordinate(130, 0.04)]]))
        // To the hole and back out on the other side, or twice to the hole.
        #expect(may(holed, [[Coordinate(100, -5), Coordinate(100, 105)]]))
        #expect(try faces(holed, [[Coordinate(100, -5), Coordinate(100, 105)]]) >= 2)
        #expect(may(holed, [[Coordinate(90, -5), Coordinate(90, 40)], [Coordinate(110, -5), Coordinate(110, 40)]]))
    }

    @Test func deadEndsAndEdgesDoNot() throws {
        let cases: [[[Coordinate]]] = [
            [[Coordinate(100, -5), Coordinate(100, 60)]],                                         // in and stops
            [[Coordinate(100, -5), Coordinate(100, 60)], [Coordinate(100, 60), Coordinate(150, 60)]], // a bent dead end, end to end
            [[Coordinate(-5, 0), Coordinate(205, 0)]],                                            // along the south edge
            [[Coordinate(50, 100.02), Coordinate(150, 100.02)]],                                  // 2 cm outside the north edge
            [[Coordinate(20, 20), Coordinate(40, 40)]],                                           // wholly inside, touching nothing
        ]
        for lines in cases {
            #expect(!may(block, lines))
            #expect(try faces(block, lines) <= 1)
        }
        // From the outline to the hole once: a slit, not a cut.
        #expect(!may(holed, [[Coordinate(100, -5), Coordinate(100, 31)]]))
        #expect(try faces(holed, [[Coordinate(100, -5), Coordinate(100, 31)]]) <= 1)
    }

    /// Random lines over an L-shaped block: wherever GEOS finds two faces, the count says "may".
    @Test(arguments: UInt64(1)...8)
    func neverNoWhereGEOSCuts(seed: UInt64) throws {
        let l = Polygon(exterior: [Coordinate(0, 0), Coordinate(300, 0), Coordinate(300, 100), Coordinate(100, 100),
                                   Coordinate(100, 250), Coordinate(0, 250), Coordinate(0, 0)])
        var rng = SplitMix64(seed: seed)
        for _ in 0..<40 {
            let lines = (0..<(1 + Int(rng.next() % 3))).map { _ in
                (0..<(2 + Int(rng.next() % 3))).map { _ in Coordinate(Double(rng.next() % 3200) / 10 - 10, Double(rng.next() % 2700) / 10 - 10) }
            }
            if try faces(l, lines) >= 2 { #expect(may(l, lines), "seed \(seed): \(lines)") }
        }
    }
}
