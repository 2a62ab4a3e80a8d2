import Testing
import WanggePartition

/// A graph in pieces (blocks meeting only at a point, a river with no shared edge): the regions
/// are shared out among the pieces by load and each piece is split on its own.
@Suite struct ComponentPartitionTests {
    /// Two 4×4 lattices side by side with no edge between them; the right one carries twice the load.
    static func twoPieces() throws -> PartitionGraph {
        var edges: [PartitionGraph.Edge] = []
        for piece in 0..<2 {
            let o = piece * 16
            for r in 0..<4 {
                for c in 0..<4 {
                    if c < 3 { edges.append(.init(o + r * 4 + c, o + r * 4 + c + 1, sharedLength: 10)) }
                    if r < 3 { edges.append(.init(o + r * 4 + c, o + (r + 1) * 4 + c, sharedLength: 10)) }
                }
            }
        }
        let weights = (0..<32).map { $0 < 16 ? 1.0 : 2.0 }
        return try PartitionGraph(weights: weights, areas: Array(repeating: 100, count: 32),
                                  perimeters: Array(repeating: 40, count: 32), edges: edges)
    }

    @Test func regionsAreSharedOutByLoadAndEachLiesInOnePiece() throws {
        let g = try Self.twoPieces()
        #expect(g.connectedComponents().count == 2)
        let r = try ComponentPartition.partition(g, regions: 3, regionalizer: Regionalizer(), seed: 1)
        // Loads 16 and 32 of 48: Huntington–Hill gives 1 and 2 of 3 regions.
        #expect(r.regionsPerComponent == [1, 2])
        #expect(Set(r.regionOfNode[0..<16]) == [0])
        #expect(Set(r.regionOfNode[16..<32]) == [1, 2])
        // Every region contiguous (hand check: BFS inside each region over the graph's edges).
        for region in 0..<3 {
            let members = (0..<32).filter { r.regionOfNode[$0] == region }
            var seen: Set<Int> = [members[0]], stack = [members[0]]
            while let v = stack.popLast() {
                for e in g.edges where (e.a == v || e.b == v) {
                    let u = e.a == v ? e.b : e.a
                    if r.regionOfNode[u] == region && seen.insert(u).inserted { stack.append(u) }
                }
            }
            #expect(seen.count == members.count, "region \(region) is in pieces")
        }
        // Each region can carry 16 of 48, the mean; within ±10 % at least.
        #expect(r.withinTolerance)
        // Same seed, same answer.
        #expect(try ComponentPartition.partition(g, regions: 3, regionalizer: Regionalizer(), seed: 1) == r)
    }

    @Test func fewerRegionsThanPiecesIsRefusedNamingThePieces() throws {
        let g = try Self.twoPieces()
        #expect(throws: ComponentPartition.Infeasible.fewerRegionsThanComponents(regions: 1, components: 2)) {
            try ComponentPartition.partition(g, regions: 1, regionalizer: Regionalizer(), seed: 1)
        }
        #expect(throws: ComponentPartition.Infeasible.moreRegionsThanNodes(regions: 33, nodes: 32)) {
            try ComponentPartition.partition(g, regions: 33, regionalizer: Regionalizer(), seed: 1)
        }
    }
}
