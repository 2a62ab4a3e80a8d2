import Testing
@testable import WanggeGeometry

@Suite struct STRtreeTests {
    let context = GEOSContext()

    func randomBoxes(_ n: Int, seed: UInt64) -> [Envelope] {
        var rng = SeededGenerator(seed: seed)
        return (0..<n).map { _ in
            let x = Double.random(in: 0..<1000, using: &rng), y = Double.random(in: 0..<1000, using: &rng)
            return Envelope(minX: x, minY: y, maxX: x + Double.random(in: 0...40, using: &rng),
                            maxY: y + Double.random(in: 0...40, using: &rng))
        }
    }

    @Test func queryMatchesBruteForceOver1000RandomBoxes() throws {
        let boxes = randomBoxes(1_000, seed: 7)
        let tree = try STRtree(context: context, envelopes: boxes)
        var totalHits = 0
        for query in randomBoxes(200, seed: 99) {
            let expected = boxes.indices.filter { boxes[$0].intersects(query) }
            let found = try tree.query(query)
            #expect(found == expected)
            totalHits += found.count
        }
        #expect(totalHits > 200) // the queries actually hit things
        // Item 0 (pointer 1 in GEOS) is reachable too.
        #expect(try tree.query(boxes[0]).contains(0))
    }

    @Test func repeatedQueriesGiveTheSameAnswer() throws {
        let tree = try STRtree(context: context, envelopes: randomBoxes(300, seed: 3))
        let q = Envelope(minX: 100, minY: 100, maxX: 400, maxY: 400)
        #expect(try tree.query(q) == tree.query(q))
    }

    @Test func nearestMatchesBruteForceDistance() throws {
        let boxes = randomBoxes(500, seed: 11)
        let geometries = try boxes.map { try context.geometry(from: $0) }
        let tree = try STRtree(context: context, geometries: geometries)
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<50 {
            let p = try context.point(Coordinate(Double.random(in: -100...1100, using: &rng), Double.random(in: -100...1100, using: &rng)))
            let best = try geometries.map { try $0.distance(to: p) }.min()!
            let index = try #require(try tree.nearest(to: p))
            #expect(try geometries[index].distance(to: p) == best)
        }
    }

    @Test(arguments: SpatialPredicate.allCases)
    func predicateQueryMatchesBruteForce(_ predicate: SpatialPredicate) throws {
        // A 10x10 grid of unit cells; queries are points (some on shared edges) and boxes.
        var cells: [GEOSGeometryHandle] = []
        for i in 0..<10 { for j in 0..<10 {
            cells.append(try context.geometry(from: .polygon(square(Double(i), Double(j), Double(i + 1), Double(j + 1)))))
        } }
        let tree = try STRtree(context: context, geometries: cells)
        var rng = SeededGenerator(seed: 21)
        var queries: [GEOSGeometryHandle] = [try context.point(Coordinate(3, 4.5)), try context.point(Coordinate(5, 5))]
        for _ in 0..<40 {
            // Half-unit steps put many query points and box sides exactly on cell edges.
            let x = Double(Int.random(in: 0...18, using: &rng)) / 2, y = Double(Int.random(in: 0...18, using: &rng)) / 2
            queries.append(try context.point(Coordinate(x + 0.25, y)))
            queries.append(try context.geometry(from: Envelope(minX: x, minY: y, maxX: x + 2.5, maxY: y + 1.5 + Double(Int.random(in: 0...2, using: &rng)))))
        }
        var hits = 0
        for q in queries {
            let expected = try cells.indices.filter { i in
                let c = cells[i]
                switch predicate {
                case .intersects: return try q.intersects(c)
                case .contains: return try q.contains(c)
                // Only box queries can contain a cell, and a box's boundary is its exterior ring.
                case .containsProperly: return try q.contains(c) && !q.exteriorRing().intersects(c)
                case .covers: return try q.covers(c)
                case .within: return try q.within(c)
                case .coveredBy: return try c.covers(q)
                case .touches: return try q.touches(c)
                }
            }
            let found = try tree.query(q, predicate: predicate)
            #expect(found == expected)
            hits += found.count
        }
        #expect(hits > 0)
    }

    @Test func pointOnSharedEdgeIsWithinNoCellButIntersectsTwo() throws {
        let cells = try [square(0, 0, 1, 1), square(1, 0, 2, 1)].map { try context.geometry(from: .polygon($0)) }
        let tree = try STRtree(context: context, geometries: cells)
        let onEdge = try context.point(Coordinate(1, 0.5))
        #expect(try tree.query(onEdge, predicate: .within) == [])
        #expect(try tree.query(onEdge, predicate: .intersects) == [0, 1])
        #expect(try tree.query(onEdge, predicate: .coveredBy) == [0, 1])
    }

    @Test func emptyTreeFindsNothing() throws {
        let tree = try STRtree(context: context, envelopes: [])
        #expect(try tree.query(Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1)) == [])
        #expect(try tree.nearest(to: Coordinate(0, 0)) == nil)
    }
}
