import Testing
@testable import WanggeGeometry

@Suite struct PreparedGeometryTests {
    let context = GEOSContext()
    // Non-convex, with a hole: exercises the point-in-polygon paths that matter.
    let shape = "POLYGON ((0 0, 100 0, 100 100, 50 40, 0 100, 0 0), (20 10, 40 10, 40 30, 20 30, 20 10))"

    @Test func preparedContainsAgreesWithUnpreparedOn10kPoints() throws {
        let base = try context.geometry(wkt: shape)
        let prepared = try base.prepared()
        var rng = SeededGenerator(seed: 42)
        var inside = 0
        for _ in 0..<10_000 {
            let c = Coordinate(Double.random(in: -10...110, using: &rng), Double.random(in: -10...110, using: &rng))
            let fast = try prepared.contains(c)
            #expect(try fast == base.contains(context.point(c)))
            if fast { inside += 1 }
        }
        // Both outcomes occur in bulk, so agreement is not trivially all-false.
        #expect(inside > 2_000 && inside < 8_000)
    }

    @Test func boundaryPointIsCoveredButNotContained() throws {
        let prepared = try context.geometry(wkt: shape).prepared()
        #expect(try !prepared.contains(Coordinate(50, 0)))
        #expect(try prepared.covers(Coordinate(50, 0)))
        #expect(try prepared.intersects(Coordinate(50, 0)))
        #expect(try !prepared.contains(Coordinate(30, 20))) // in the hole
    }

    @Test func preparedGeometryPredicates() throws {
        let prepared = try context.geometry(from: .polygon(square(0, 0, 10, 10))).prepared()
        let inner = try context.geometry(from: .polygon(square(2, 2, 3, 3)))
        let edgeHugging = try context.geometry(from: .polygon(square(0, 0, 3, 3)))
        let outside = try context.geometry(from: .polygon(square(20, 20, 21, 21)))
        #expect(try prepared.contains(inner) && prepared.containsProperly(inner))
        #expect(try prepared.contains(edgeHugging) && !prepared.containsProperly(edgeHugging))
        #expect(try prepared.covers(edgeHugging))
        #expect(try !prepared.intersects(outside))
        #expect(try prepared.contains([Coordinate(5, 5), Coordinate(15, 5)]) == [true, false])
    }

    @Test func preparedKeepsItsBaseAlive() throws {
        var base: GEOSGeometryHandle? = try context.geometry(from: .polygon(square(0, 0, 1, 1)))
        let prepared = try base!.prepared()
        base = nil
        #expect(try prepared.contains(Coordinate(0.5, 0.5)))
    }
}
