import Testing
import WanggeGeometry
@testable import WanggeGrids

@Suite struct BlockCutterTests {
    let square = Polygon(exterior: [Coordinate(0, 0), Coordinate(100, 0), Coordinate(100, 100), Coordinate(0, 100), Coordinate(0, 0)])

    func line(_ c: LineCategory, _ pts: [(Double, Double)]) -> CuttingLine {
        CuttingLine(category: c, points: pts.map { Coordinate($0.0, $0.1) })
    }

    func area(_ p: Polygon) -> Double { abs(Ring.signedArea(p.exterior)) }

    @Test func crossingLinesCutFourBlocksThatTileTheVillage() throws {
        let cutter = BlockCutter(rules: .init(town: [.street], countryside: [.river], minimumBlockArea: 10), context: GEOSContext())
        let blocks = try cutter.blocks(of: square, lines: [line(.street, [(50, -20), (50, 120)]), line(.street, [(-20, 40), (120, 40)])])
        #expect(blocks.count == 4)
        #expect(abs(blocks.map(area).reduce(0, +) - 10_000) < 1e-6)
        #expect(blocks.map(area).sorted() == [2000, 2000, 3000, 3000])
    }

    @Test func aStreetStoppingTwoMetresShortStillCutsButADangleDoesNot() throws {
        let cutter = BlockCutter(rules: .init(town: [.street], countryside: [], snapDistance: 2, minimumBlockArea: 10), context: GEOSContext())
        // Stops 1.5 m short of the top edge and 1.5 m short of the bottom edge: still cuts in two.
        let nearMiss = try cutter.blocks(of: square, lines: [line(.street, [(30, 1.5), (30, 98.5)])])
        #expect(nearMiss.map(area).sorted() == [3000, 7000])
        // Stops 20 m short: a dangle, no cut.
        let dangle = try cutter.blocks(of: square, lines: [line(.street, [(30, 20), (30, 100)])])
        #expect(dangle.count == 1)
    }

    @Test func sliversJoinTheNeighbourWithTheLongestSharedEdge() throws {
        let cutter = BlockCutter(rules: .init(town: [.street], countryside: [], minimumBlockArea: 500), context: GEOSContext())
        // A 3 m strip along the west edge (300 m²) and a 50/50 split of the rest.
        let blocks = try cutter.blocks(of: square, lines: [line(.street, [(3, -10), (3, 110)]), line(.street, [(3, 50), (110, 50)])])
        #expect(blocks.count == 2)
        #expect(abs(blocks.map(area).reduce(0, +) - 10_000) < 1e-6)
    }

    @Test func lineIndexFindsExactlyTheLinesNearAPolygon() {
        let lines = (0..<50).map { i in line(.river, [(Double(i) * 100, 0), (Double(i) * 100 + 50, 50)]) }
        let index = LineIndex(lines)
        let found = index.candidates(Envelope(minX: 420, minY: 0, maxX: 980, maxY: 10))
        #expect(found == Array(4...9))
    }
}
