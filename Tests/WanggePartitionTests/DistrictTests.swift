import Testing
import WanggePartition

/// A synthetic district shaped like Shawan's: 148 villages of 20–300 blocks, 204 grids
/// apportioned by Huntington–Hill on households (at least 1, at most the block count).
@Suite struct DistrictTests {
    static func district() -> [PartitionGraph] {
        var rng = SplitMix64(seed: 2026)
        return (0..<148).map { i in Fixtures.village(nodes: 20 + rng.nextIndex(below: 281), seed: UInt64(i)) }
    }

    @Test func wholeDistrictPartitionsContiguouslyAndInTime() throws {
        let villages = Self.district()
        let counts = try Apportionment.divisor(
            .huntingtonHill, weights: villages.map(\.totalWeight), total: 204,
            caps: villages.map(\.nodeCount))
        #expect(counts.reduce(0, +) == 204)
        let regionalizer = Regionalizer()
        let clock = ContinuousClock()
        var results: [Regionalization] = []
        let elapsed = try clock.measure {
            for (g, k) in zip(villages, counts) { results.append(try regionalizer.partition(g, regions: k, seed: 7)) }
        }
        print("district: \(villages.reduce(0) { $0 + $1.nodeCount }) nodes, 148 villages → 204 grids in \(elapsed) (debug build)")
        for ((g, k), r) in zip(zip(villages, counts), results) {
            #expect(Fixtures.regionsAreContiguous(g, r.regionOfNode, k: k))
            #expect(r.withinTolerance || r.feasibility.isTooCoarse)
        }
        #expect(elapsed < .seconds(20))  // debug build; release figures come from tools/PartitionBench
    }
}
