import WanggeIO
import Testing
@testable import WanggePartition

/// White-box checks of the incremental search state.
@Suite struct SearchEngineTests {
    /// After construction and local search, the incrementally updated tallies and cached terms
    /// equal a from-scratch recomputation, and every region is contiguous.
    @Test(arguments: [UInt64(1), 2, 3])
    func incrementalTalliesMatchRecomputation(seed: UInt64) {
        let g = Fixtures.village(nodes: 120, seed: seed)
        var engine = SearchEngine(graph: g, regions: 4, options: .init())
        var rng = SplitMix64(seed: seed)
        engine.construct(rng: &rng)
        #expect(Fixtures.regionsAreContiguous(g, engine.assign, k: 4))
        let (_, moves) = engine.improve(rng: &rng)
        #expect(moves > 0)
        var fresh = engine
        fresh.recomputeTallies()
        for r in 0..<4 {
            #expect(abs(engine.load[r] - fresh.load[r]) < 1e-6)
            #expect(abs(engine.area[r] - fresh.area[r]) < 1e-3)
            #expect(abs(engine.perimeter[r] - fresh.perimeter[r]) < 1e-6)
            #expect(engine.size[r] == fresh.size[r])
            #expect(abs(engine.termCache[r] - fresh.termCache[r]) < 1e-9)
        }
        #expect(Fixtures.regionsAreContiguous(g, engine.assign, k: 4))
    }

    /// The donor check agrees with a brute-force "remove and BFS" on every node of a plan.
    @Test func donorCheckMatchesBruteForce() throws {
        let g = Fixtures.village(nodes: 60, seed: 5)
        var engine = SearchEngine(graph: g, regions: 3, options: .init())
        var rng = SplitMix64(seed: 5)
        engine.construct(rng: &rng)
        for v in 0..<g.nodeCount {
            var without = engine.assign
            without[v] = 3  // a fourth label: v alone
            let bruteForce = Fixtures.regionsAreContiguous(g, without, k: 4)
                || engine.size[engine.assign[v]] == 1
            #expect(engine.donorStaysConnected(without: v) == bruteForce, "node \(v)")
        }
    }
}
