import Testing
import WanggeIO
import WanggePartition

/// Least-disruption rebalancing on small graphs whose answers can be counted by hand.
@Suite struct RebalancerTests {
    /// A path 0–1–…–(n−1) with the given weights.
    static func path(_ weights: [Double]) throws -> PartitionGraph {
        try PartitionGraph(weights: weights, edges: (1..<weights.count).map { .init($0 - 1, $0, sharedLength: 1) })
    }

    /// A rows × cols lattice, unit weights unless given.
    static func lattice(_ rows: Int, _ cols: Int, weights: [Double]? = nil) throws -> PartitionGraph {
        var edges: [PartitionGraph.Edge] = []
        for r in 0..<rows {
            for c in 0..<cols {
                if c + 1 < cols { edges.append(.init(r * cols + c, r * cols + c + 1, sharedLength: 1)) }
                if r + 1 < rows { edges.append(.init(r * cols + c, (r + 1) * cols + c, sharedLength: 1)) }
            }
        }
        return try PartitionGraph(weights: weights ?? Array(repeating: 1, count: rows * cols), edges: edges)
    }

    @Test func oneNodeAcrossTheBorderIsTheWholeAnswer() throws {
        // Loads 4 and 2, mean 3: moving node 3 gives 3 and 3 — one move, and no more.
        let g = try Self.path([1, 1, 1, 1, 1, 1])
        let r = try Rebalancer().rebalance(g, assignment: [0, 0, 0, 0, 1, 1], regions: 2)
        #expect(r.moves == [Rebalancer.Move(node: 3, from: 0, to: 1)])
        #expect(r.assignment == [0, 0, 0, 1, 1, 1])
        #expect(r.outBefore == [0, 1] && r.outAfter.isEmpty)
    }

    @Test func regionsAlreadyWithinToleranceAreLeftAlone() throws {
        // Loads 10.5 and 9.5 of mean 10: within ±10 %, though not equal.
        let g = try Self.path([3, 3, 4.5, 4.5, 5])
        let r = try Rebalancer().rebalance(g, assignment: [0, 0, 0, 1, 1], regions: 2)
        #expect(r.moves.isEmpty && r.withinTolerance)
    }

    @Test func aLockedRegionNeitherGivesNorTakes() throws {
        let g = try Self.path([1, 1, 1, 1, 1, 1])
        let r = try Rebalancer().rebalance(g, assignment: [0, 0, 0, 0, 1, 1], regions: 2, locked: [1])
        #expect(r.moves.isEmpty)
        #expect(r.outAfter == [0, 1])
        // Three regions, the middle one locked: 0 and 2 are not neighbours, nothing can move.
        let r3 = try Rebalancer().rebalance(try Self.path([1, 1, 1, 1, 1, 1, 1, 1, 1]),
                                            assignment: [0, 0, 0, 0, 0, 1, 1, 2, 2], regions: 3, locked: [1])
        #expect(r3.moves.isEmpty && !r3.withinTolerance)
    }

    @Test func loadPassesThroughAFullNeighbourByAChainOfTwoMoves() throws {
        // Path of three regions, loads 4 | 3 | 2 (mean 3): region 0 can only give to region 1,
        // which is full; the chain 0→1, 1→2 balances them in two moves.
        let g = try Self.path([1, 1, 1, 1, 1, 1, 1, 1, 1])
        let r = try Rebalancer().rebalance(g, assignment: [0, 0, 0, 0, 1, 1, 1, 2, 2], regions: 3)
        #expect(r.withinTolerance)
        #expect(r.moves.count == 2)
        #expect(r.loads == [3, 3, 3])
    }

    @Test func everyRegionStaysContiguousAndNonEmptyAfterEveryMove() throws {
        // 6×6 lattice in 4 quadrants, random weights (seeded): check each step's assignment.
        var rng = SplitMix64(seed: 11)
        let weights = (0..<36).map { _ in 0.5 + Double(rng.next() % 1000) / 500 }
        let g = try Self.lattice(6, 6, weights: weights)
        let start = (0..<36).map { v in (v / 6 < 3 ? 0 : 2) + (v % 6 < 3 ? 0 : 1) }
        let r = try Rebalancer().rebalance(g, assignment: start, regions: 4)
        var a = start
        for m in r.moves {
            #expect(a[m.node] == m.from)
            a[m.node] = m.to
            for region in 0..<4 {
                let members = (0..<36).filter { a[$0] == region }
                #expect(!members.isEmpty && g.isConnected(members), "region \(region) after \(m)")
            }
        }
        #expect(a == r.assignment)
        // The loads it reports are the loads of its assignment.
        for region in 0..<4 {
            let load = (0..<36).filter { a[$0] == region }.reduce(0) { $0 + weights[$1] }
            #expect(abs(load - r.loads[region]) < 1e-9)
        }
        #expect(r.withinTolerance == r.loads.allSatisfy { abs($0 - r.mean) <= 0.1 * r.mean + 1e-9 })
    }

    @Test func aDonorIsNeverCutInTwo() throws {
        // Region 0 (load 5) is a path 0–1–2 whose middle node alone borders region 1 (load 2,
        // mean 3.5): moving node 1 would cut 0 from 2, and nodes 0 and 2 border nothing else;
        // moving node 3 the other way makes it worse. So: no move, both still out.
        //   0 – 1 – 2
        //       |
        //       3 – 4
        let g = try PartitionGraph(weights: [1, 3, 1, 1, 1],
                                   edges: [.init(0, 1, sharedLength: 1), .init(1, 2, sharedLength: 1), .init(1, 3, sharedLength: 1), .init(3, 4, sharedLength: 1)])
        let r = try Rebalancer().rebalance(g, assignment: [0, 0, 0, 1, 1], regions: 2)
        #expect(r.moves.isEmpty && r.assignment == [0, 0, 0, 1, 1])
        #expect(r.outAfter == [0, 1])
        // With node 2 also touching node 4, node 2 can go (0–1 stays whole): one move, 4 | 3.
        let g2 = try PartitionGraph(weights: [1, 3, 1, 1, 1],
                                    edges: [.init(0, 1, sharedLength: 1), .init(1, 2, sharedLength: 1), .init(1, 3, sharedLength: 1),
                                            .init(3, 4, sharedLength: 1), .init(2, 4, sharedLength: 1)])
        let r2 = try Rebalancer().rebalance(g2, assignment: [0, 0, 0, 1, 1], regions: 2)
        #expect(r2.moves == [Rebalancer.Move(node: 2, from: 0, to: 1)])
    }

    @Test func badStartsAreNamed() throws {
        let g = try Self.path([1, 1, 1, 1])
        #expect(throws: RebalanceError.disconnectedRegion(0)) { try Rebalancer().rebalance(g, assignment: [0, 1, 0, 1], regions: 2) }
        #expect(throws: RebalanceError.emptyRegion(2)) { try Rebalancer().rebalance(g, assignment: [0, 0, 1, 1], regions: 3) }
        #expect(throws: RebalanceError.assignmentLength(expected: 4, actual: 3)) { try Rebalancer().rebalance(g, assignment: [0, 0, 1], regions: 2) }
    }
}

/// The exhaustive two-way check, against splits counted by hand.
@Suite struct TwoWaySplitTests {
    @Test func aStarWithAHeavyCentreHasNoBalancedSplit() throws {
        // Centre 0 (weight 1) joined to leaves 1…4 (weights 1, 1, 1, 5): total 9, mean 4.5, ±10 %
        // is [4.05, 4.95]. The leaf 4 alone (5) is too heavy; any set without node 4 holding the
        // centre weighs at most 4 — and sets without the centre are single leaves.
        let g = try PartitionGraph(weights: [1, 1, 1, 1, 5], edges: (1...4).map { .init(0, $0, sharedLength: 1) })
        #expect(Rebalancer.twoWaySplitExists(g, tolerance: 0.1) == false)
        // At ±15 % ([3.825, 5.175]) the leaf 4 alone (5) against the rest (4) is a split.
        #expect(Rebalancer.twoWaySplitExists(g, tolerance: 0.15) == true)
    }

    @Test func aPathSplitsInTheMiddle() throws {
        let g = try RebalancerTests.path([1, 1, 1, 1, 1, 1])
        #expect(Rebalancer.twoWaySplitExists(g, tolerance: 0.1) == true)
        // A 30-node path is quick (few connected sets); a 5×6 lattice with a tiny cap gives up.
        #expect(Rebalancer.twoWaySplitExists(try RebalancerTests.path([Double](repeating: 1, count: 30)), tolerance: 0.1) == true)
        #expect(Rebalancer.twoWaySplitExists(try RebalancerTests.lattice(5, 6), tolerance: 0.001, maxSets: 10) == nil)
        // Two heavy ends and light middle nodes: 10 | 1 1 1 1 | 10 — total 24, mean 12, ±10 %
        // [10.8, 13.2]: 10 + 1 + 1 = 12 against 1 + 1 + 10 = 12.
        #expect(Rebalancer.twoWaySplitExists(try RebalancerTests.path([10, 1, 1, 1, 1, 10]), tolerance: 0.1) == true)
        // 10 | 3 | 10, mean 11.5, [10.35, 12.65]: 10 alone too light, 13 too heavy.
        #expect(Rebalancer.twoWaySplitExists(try RebalancerTests.path([10, 3, 10]), tolerance: 0.1) == false)
    }
}
