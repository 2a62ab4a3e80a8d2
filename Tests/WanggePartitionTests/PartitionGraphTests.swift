import WanggeIO
import Testing
@testable import WanggePartition

@Suite struct PartitionGraphTests {
    @Test func neighboursAreSortedAndEdgesNormalised() throws {
        let g = try PartitionGraph(
            weights: [1, 2, 3, 4],
            edges: [.init(3, 0, sharedLength: 5), .init(2, 0, sharedLength: 1), .init(1, 0, sharedLength: 2),
                    .init(1, 2, sharedLength: 7), .init(0, 1, sharedLength: 2)])  // last one repeats 1–0
        #expect(Array(g.neighbours(of: 0)) == [1, 2, 3])
        #expect(Array(g.neighbours(of: 1)) == [0, 2])
        #expect(Array(g.neighbours(of: 2)) == [0, 1])
        #expect(Array(g.neighbours(of: 3)) == [0])
        #expect(g.edges.map { [$0.a, $0.b] } == [[0, 1], [0, 2], [0, 3], [1, 2]])
        #expect(g.sharedLength(3, 0) == 5)
        #expect(g.sharedLength(2, 1) == 7)
        #expect(g.sharedLength(2, 3) == nil)
        #expect(g.totalWeight == 10)
        #expect(g.areas == [0, 0, 0, 0])
    }

    @Test func validationNamesTheBadInput() {
        let e = PartitionGraph.Edge(0, 1, sharedLength: 1)
        #expect(throws: PartitionGraphError.invalidWeight(node: 1, value: -1)) {
            try PartitionGraph(weights: [1, -1], edges: [e])
        }
        #expect(throws: PartitionGraphError.self) { try PartitionGraph(weights: [1, .nan], edges: [e]) }
        #expect(throws: PartitionGraphError.invalidArea(node: 0, value: .infinity)) {
            try PartitionGraph(weights: [1, 1], areas: [.infinity, 1], edges: [e])
        }
        #expect(throws: PartitionGraphError.invalidPerimeter(node: 1, value: -3)) {
            try PartitionGraph(weights: [1, 1], perimeters: [1, -3], edges: [e])
        }
        #expect(throws: PartitionGraphError.arrayLengthMismatch(name: "areas", expected: 2, actual: 1)) {
            try PartitionGraph(weights: [1, 1], areas: [1], edges: [e])
        }
        #expect(throws: PartitionGraphError.selfLoop(edgeIndex: 1, node: 1)) {
            try PartitionGraph(weights: [1, 1], edges: [e, .init(1, 1, sharedLength: 1)])
        }
        #expect(throws: PartitionGraphError.edgeOutOfRange(edgeIndex: 1, node: 2, nodeCount: 2)) {
            try PartitionGraph(weights: [1, 1], edges: [e, .init(0, 2, sharedLength: 1)])
        }
        #expect(throws: PartitionGraphError.edgeOutOfRange(edgeIndex: 0, node: -1, nodeCount: 2)) {
            try PartitionGraph(weights: [1, 1], edges: [.init(-1, 0, sharedLength: 1)])
        }
        #expect(throws: PartitionGraphError.invalidSharedLength(edgeIndex: 0, a: 0, b: 1, value: -2)) {
            try PartitionGraph(weights: [1, 1], edges: [.init(0, 1, sharedLength: -2)])
        }
        #expect(throws: PartitionGraphError.conflictingDuplicateEdge(a: 0, b: 1, firstLength: 1, secondLength: 4)) {
            try PartitionGraph(weights: [1, 1], edges: [e, .init(1, 0, sharedLength: 4)])
        }
        // Same length twice is merged, not an error.
        #expect((try? PartitionGraph(weights: [1, 1], edges: [e, .init(1, 0, sharedLength: 1)]))?.edges.count == 1)
    }

    @Test func errorDescriptionsNameTheNode() {
        #expect(PartitionGraphError.invalidWeight(node: 7, value: -1).description.contains("node 7"))
        #expect(PartitionGraphError.selfLoop(edgeIndex: 3, node: 2).description.contains("self-loop on node 2"))
    }

    @Test func componentsAndIslands() throws {
        // 0–1–2   3–4   5 (island)
        let g = try PartitionGraph(
            weights: Array(repeating: 1, count: 6),
            edges: [.init(4, 3, sharedLength: 1), .init(1, 2, sharedLength: 1), .init(0, 1, sharedLength: 1)])
        #expect(g.connectedComponents() == [[0, 1, 2], [3, 4], [5]])
        #expect(!g.isConnected)
        #expect(g.isolatedNodes == [5])
        #expect(Fixtures.grid(rows: 3, cols: 4).isConnected)
        #expect(try PartitionGraph(weights: [], edges: []).isConnected)
    }

    @Test func inducedSubgraphKeepsLengthsAndOrder() throws {
        let g = Fixtures.grid(rows: 2, cols: 3, side: 10)  // 0 1 2 / 3 4 5
        let sub = try g.induced(on: [5, 4, 1])
        #expect(sub.nodeCount == 3)
        #expect(sub.edges.map { [$0.a, $0.b] } == [[0, 1], [1, 2]])  // 5–4, 4–1
        #expect(sub.perimeters == [40, 40, 40])
        #expect(throws: PartitionGraphError.duplicateNode(node: 4)) { try g.induced(on: [4, 4]) }
    }

    @Test func splitMixIsReproducible() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        let xs = (0..<5).map { _ in a.next() }
        #expect(xs == (0..<5).map { _ in b.next() })
        // Reference values of SplitMix64 for seed 0 (as in the original Java/C code).
        var z = SplitMix64(seed: 0)
        #expect(z.next() == 0xE220_A839_7B1D_CDAF)
        #expect(z.next() == 0x6E78_9E6A_A1B9_65F4)
        var r = SplitMix64(seed: 7)
        for bound in [1, 2, 3, 10, 1000] {
            for _ in 0..<100 { #expect((0..<bound).contains(r.nextIndex(below: bound))) }
        }
    }
}
