import Foundation
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

    @Test func linesOutsideTheVillageChangeNothing() throws {
        let cutter = BlockCutter(rules: .init(town: [.street], countryside: [.river], minimumBlockArea: 10), context: GEOSContext())
        let cuts = [line(.street, [(50, -20), (50, 120)]), line(.street, [(-20, 40), (120, 40)])]
        // Beyond the village: 1 m above its top edge, 3 m right of its right edge (neither
        // reaches it extended by the snap distance), a ring around it, and one far off.
        let outside = [line(.street, [(-20, 101), (120, 101)]), line(.street, [(103, -20), (103, 50)]),
                       line(.street, [(-5, -5), (105, -5), (105, 105), (-5, 105), (-5, -5)]),
                       line(.street, [(-30, 130), (130, 130)])]
        let alone = try cutter.blocks(of: square, lines: cuts)
        let with = try cutter.blocks(of: square, lines: cuts + outside)
        #expect(with == alone)
        #expect(try cutter.blocks(of: square, lines: outside).count == 1)
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

    /// The cutter snaps each line on its own to the outline vertices near it; that must give
    /// exactly the faces GEOS gives when the whole network is snapped to the whole outline. An
    /// outline of 400 vertices (a wavy edge), streets running millimetres inside it, crossing
    /// it, and one far from it.
    @Test func snappingEachLineToTheVerticesNearItEqualsSnappingTheWholeNetwork() throws {
        var ring: [Coordinate] = []
        for k in 0..<100 { ring.append(Coordinate(Double(k), 0.3 * sin(Double(k)))) }
        for k in 0..<100 { ring.append(Coordinate(100, Double(k))) }
        for k in 0..<100 { ring.append(Coordinate(100 - Double(k), 100 + 0.2 * cos(Double(k)))) }
        for k in 0..<100 { ring.append(Coordinate(0, 100 - Double(k))) }
        ring.append(ring[0])
        let outline = Polygon(exterior: ring, holes: [])
        let lines: [[Coordinate]] = [
            (0...40).map { Coordinate(Double($0) + 10, 0.3 * sin(Double($0) + 10) + 0.004) },  // a hair inside the south edge
            [Coordinate(99.995, -5), Coordinate(99.995, 50), Coordinate(20, 50)],               // along the east edge, then across
            [Coordinate(30, -10), Coordinate(30.002, 110)],                                     // across the village
            [Coordinate(50, 20), Coordinate(70, 30), Coordinate(50, 45), Coordinate(50, 20)],   // a loop far from the outline
        ]
        let ctx = GEOSContext()
        let ours = try FaceNetwork(lines: lines, outline: outline, context: ctx, gridSize: 1e-6, snapTolerance: 0.01)
        // The whole network snapped to the whole outline, as GEOS does it in one call.
        let ringHandle = try ctx.geometry(from: .multiLineString(outline.rings))
        let whole = try ctx.geometry(from: .multiLineString(lines)).snapped(to: ringHandle, tolerance: 0.01)
        let noded = try ctx.collection(of: [whole, ringHandle]).unaryUnion(gridSize: 1e-6)
        let faces = try ctx.polygonize([noded]).value().polygons.filter { FaceNetwork.contains(outline, FaceNetwork.interiorPoint($0)) }
        #expect(ours.faces.count == faces.count)
        #expect(Set(ours.faces) == Set(faces))
        #expect(ours.faces.count >= 4)
    }

    @Test func lineIndexFindsExactlyTheLinesNearAPolygon() {
        let lines = (0..<50).map { i in line(.river, [(Double(i) * 100, 0), (Double(i) * 100 + 50, 50)]) }
        let index = LineIndex(lines)
        let found = index.candidates(Envelope(minX: 420, minY: 0, maxX: 980, maxY: 10))
        #expect(found == Array(4...9))
    }
}
