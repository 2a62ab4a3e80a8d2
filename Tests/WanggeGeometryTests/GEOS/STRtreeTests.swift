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

    @Test func emptyTreeFindsNothing() throws {
        let tree = try STRtree(context: context, envelopes: [])
        #expect(try tree.query(Envelope(minX: 0, minY: 0, maxX: 1, maxY: 1)) == [])
        #expect(try tree.nearest(to: Coordinate(0, 0)) == nil)
    }
}
