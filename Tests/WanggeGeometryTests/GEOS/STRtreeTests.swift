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

    /// A query of the predicate test: a point or an axis-aligned box.
    enum Query {
        case point(Coordinate)
        case box(Envelope)
    }

    /// The answer worked out by hand for unit cell (i, j) = [i, i+1] × [j, j+1], with interval
    /// arithmetic instead of GEOS (the oracle must not be the code under test): closed intervals
    /// meet for `intersects`, open ones for interiors.
    static func expected(_ predicate: SpatialPredicate, _ q: Query, cell i: Int, _ j: Int) -> Bool {
        let (cx0, cy0, cx1, cy1) = (Double(i), Double(j), Double(i + 1), Double(j + 1))
        switch q {
        case .point(let p):
            let closed = cx0 <= p.x && p.x <= cx1 && cy0 <= p.y && p.y <= cy1
            let interior = cx0 < p.x && p.x < cx1 && cy0 < p.y && p.y < cy1
            switch predicate {
            case .intersects, .coveredBy: return closed
            case .within: return interior
            case .touches: return closed && !interior
            case .contains, .containsProperly, .covers: return false   // a point holds no area
            }
        case .box(let b):
            let closedMeet = b.minX <= cx1 && cx0 <= b.maxX && b.minY <= cy1 && cy0 <= b.maxY
            let interiorsMeet = b.minX < cx1 && cx0 < b.maxX && b.minY < cy1 && cy0 < b.maxY
            let cellInBox = b.minX <= cx0 && cx1 <= b.maxX && b.minY <= cy0 && cy1 <= b.maxY
            let cellInBoxInterior = b.minX < cx0 && cx1 < b.maxX && b.minY < cy0 && cy1 < b.maxY
            let boxInCell = cx0 <= b.minX && b.maxX <= cx1 && cy0 <= b.minY && b.maxY <= cy1
            switch predicate {
            case .intersects: return closedMeet
            case .contains, .covers: return cellInBox
            case .containsProperly: return cellInBoxInterior
            case .within, .coveredBy: return boxInCell
            case .touches: return closedMeet && !interiorsMeet
            }
        }
    }

    @Test(arguments: SpatialPredicate.allCases)
    func predicateQueryMatchesIntervalArithmetic(_ predicate: SpatialPredicate) throws {
        // A 10x10 grid of unit cells; queries are points (some on shared edges) and boxes.
        var cells: [GEOSGeometryHandle] = []
        var cellIndex: [(Int, Int)] = []
        for i in 0..<10 { for j in 0..<10 {
            cells.append(try context.geometry(from: .polygon(square(Double(i), Double(j), Double(i + 1), Double(j + 1)))))
            cellIndex.append((i, j))
        } }
        let tree = try STRtree(context: context, geometries: cells)
        var rng = SeededGenerator(seed: 21)
        var queries: [Query] = [.point(Coordinate(3, 4.5)), .point(Coordinate(5, 5))]
        for _ in 0..<40 {
            // Half-unit steps put many query points and box sides exactly on cell edges.
            let x = Double(Int.random(in: 0...18, using: &rng)) / 2, y = Double(Int.random(in: 0...18, using: &rng)) / 2
            queries.append(.point(Coordinate(x + 0.25, y)))
            queries.append(.box(Envelope(minX: x, minY: y, maxX: x + 2.5, maxY: y + 1.5 + Double(Int.random(in: 0...2, using: &rng)))))
        }
        var hits = 0
        for q in queries {
            let handle = switch q {
            case .point(let p): try context.point(p)
            case .box(let b): try context.geometry(from: b)
            }
            let expected = cells.indices.filter { Self.expected(predicate, q, cell: cellIndex[$0].0, cellIndex[$0].1) }
            let found = try tree.query(handle, predicate: predicate)
            #expect(found == expected, "\(predicate) \(q)")
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
