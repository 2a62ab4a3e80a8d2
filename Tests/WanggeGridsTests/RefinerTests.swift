import Foundation
import Testing
import WanggeGeometry
@testable import WanggeGrids

/// Refinement cuts along a lower-order line that divides the block, and draws a straight line
/// only where none does.
@Suite struct RefinerTests {
    let ctx = GEOSContext()
    /// 200 m × 100 m, with two clusters of houses, west and east.
    let block = Polygon(exterior: [Coordinate(0, 0), Coordinate(200, 0), Coordinate(200, 100), Coordinate(0, 100), Coordinate(0, 0)])
    var houses: [(Coordinate, Figures)] {
        var one = Figures()
        one.households = 1
        return (0..<10).flatMap { k in [(Coordinate(20 + Double(k) * 5, 50), one), (Coordinate(150 + Double(k) * 5, 50), one)] }
    }

    func refiner(_ lines: [[Coordinate]]) -> Refiner {
        Refiner(rules: .seed, weights: .households,
                lowerOrder: LineIndex(lines.map { CuttingLine(category: .courtyard, points: $0) }), context: ctx)
    }

    func area(_ p: Polygon) -> Double { abs(Ring.signedArea(p.exterior)) }

    @Test func aCourtyardEdgeAcrossTheBlockIsTheCut() throws {
        // A bent edge between the clusters, running past the block on both sides.
        let edge = [Coordinate(90, -30), Coordinate(110, 50), Coordinate(95, 130)]
        let (pieces, cut) = try refiner([edge]).refine(block, points: houses)
        #expect(cut == nil)
        #expect(pieces.count == 2)
        #expect(abs(pieces.map(area).reduce(0, +) - 20_000) < 1e-6)
        // Each piece's boundary inside the block follows the edge: its vertex (110, 50) is on both.
        for p in pieces { #expect(p.exterior.contains { abs($0.x - 110) < 1e-6 && abs($0.y - 50) < 1e-6 }) }
        let (west, east) = (pieces.min { FaceNetwork.centroid($0).x < FaceNetwork.centroid($1).x }!,
                            pieces.max { FaceNetwork.centroid($0).x < FaceNetwork.centroid($1).x }!)
        #expect(houses.prefix(20).allSatisfy { FaceNetwork.contains($0.0.x < 100 ? west : east, $0.0) })
        #expect(GridPlanner.tally(houses, in: pieces).0.map(\.households).sorted() == [10, 10])
    }

    @Test func anEdgeEndingTwoMetresShortStillCuts() throws {
        let (pieces, cut) = try refiner([[Coordinate(100, 1.5), Coordinate(100, 98.5)]]).refine(block, points: houses)
        #expect(cut == nil)
        #expect(pieces.map(area).sorted() == [10_000, 10_000])
    }

    @Test func withoutADividingEdgeTheCutIsStraightBetweenTheClusters() throws {
        // An edge that enters the block and stops inside it divides nothing.
        let (pieces, cut) = try refiner([[Coordinate(100, -20), Coordinate(100, 40)]]).refine(block, points: houses)
        let straight = try #require(cut)
        #expect(pieces.count == 2)
        // Perpendicular to the clusters' axis (x), between them.
        #expect(abs(straight[0].x - straight[1].x) < 1e-6)
        #expect(straight[0].x > 65 && straight[0].x < 150)
        #expect(GridPlanner.tally(houses, in: pieces).0.map(\.households).sorted() == [10, 10])
        let none = try refiner([]).refine(block, points: houses)
        #expect(none.cut != nil && none.pieces.count == 2)
    }
}
