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

/// What refinement spares itself must not change what it finds.
@Suite struct RefiningShortcutTests {
    let ctx = GEOSContext()

    /// A 4 × 3 lattice of 100 m blocks (neighbours share their corners), ten houses in each.
    func lattice() -> (blocks: [Polygon], houses: [(Coordinate, Figures)]) {
        var one = Figures()
        one.households = 1
        var blocks: [Polygon] = []
        var houses: [(Coordinate, Figures)] = []
        for i in 0..<4 {
            for j in 0..<3 {
                let x = Double(i) * 100, y = Double(j) * 100
                blocks.append(Polygon(exterior: [Coordinate(x, y), Coordinate(x + 100, y), Coordinate(x + 100, y + 100),
                                                 Coordinate(x, y + 100), Coordinate(x, y)]))
                houses += (0..<10).map { k in (Coordinate(x + 7 + Double(k) * 9.3, y + 13 + Double((k * 37) % 70)), one) }
            }
        }
        return (blocks, houses)
    }

    @Test func rememberedAdjacencyAndFiguresEqualThoseMeasuredAfreshAfterEveryRefinement() throws {
        let (blocks, houses) = lattice()
        var state = RefiningBlocks(blocks: blocks, figures: GridPlanner.tally(houses, in: blocks).0)
        // A courtyard edge across two blocks, and straight cuts elsewhere.
        let refiner = Refiner(rules: .seed, weights: .households,
                              lowerOrder: LineIndex([CuttingLine(category: .courtyard,
                                                                 points: [Coordinate(-10, 150), Coordinate(210, 160)])]),
                              context: ctx)
        for round in 0..<8 {
            let remembered = try GridPlanner.adjacency(state.blocks, refined: state.refined, band: nil, context: ctx,
                                                       cache: &state.cache)
            let fresh = try GridPlanner.adjacency(state.blocks, refined: state.refined, context: ctx)
            #expect(remembered.edges.map { [Double($0.0), Double($0.1), $0.2] } == fresh.edges.map { [Double($0.0), Double($0.1), $0.2] },
                    "round \(round)")
            // The blocks stay one connected coverage.
            #expect(fresh.edges.count >= state.blocks.count - 1)
            let heaviest = state.figures.indices.max { (state.figures[$0].households, $0) < (state.figures[$1].households, $1) }!
            #expect(try state.refine(heaviest, with: refiner, points: houses))
            // Points looked up again only near the change: the same figures as counting afresh.
            #expect(state.figures == GridPlanner.tally(houses, in: state.blocks).0, "round \(round)")
        }
        #expect(state.blocks.count >= 20)
        #expect(abs(state.blocks.map(\.planarArea).reduce(0, +) - 120_000) < 1e-6)
        #expect(state.figures.map(\.households).reduce(0, +) == 120)
    }

    @Test func linesThatStayOutsideTheBlockDoNotCutIt() throws {
        let block = Polygon(exterior: [Coordinate(0, 0), Coordinate(200, 0), Coordinate(200, 100), Coordinate(0, 100), Coordinate(0, 0)])
        var one = Figures()
        one.households = 1
        let houses = (0..<10).flatMap { k in [(Coordinate(20 + Double(k) * 5, 50), one), (Coordinate(150 + Double(k) * 5, 50), one)] }
        // 1 m outside along the north edge (beyond the 0.1 m the filter allows, but its ends
        // extended by 2 m still stay out), and a ring around the block.
        let outside = [[Coordinate(-20, 103), Coordinate(220, 103)],
                       [Coordinate(-5, -5), Coordinate(205, -5), Coordinate(205, 105), Coordinate(-5, 105), Coordinate(-5, -5)]]
        let refiner = Refiner(rules: .seed, weights: .households,
                              lowerOrder: LineIndex(outside.map { CuttingLine(category: .courtyard, points: $0) }), context: ctx)
        let (pieces, cut) = try refiner.refine(block, points: houses)
        #expect(cut != nil)
        #expect(pieces.count == 2)
        #expect(GridPlanner.tally(houses, in: pieces).0.map(\.households).sorted() == [10, 10])
    }
}
