import WanggeIO
import Testing
import WanggePartition

/// A synthetic district shaped like Shawan's: 148 villages of 20–300 blocks, 204 grids
/// apportioned by Huntington–Hill on households (at least 1, at most the block count).
@Suite struct DistrictTests {
    static func district() -> [PartitionGraph] {
        var rng = SplitMix64(seed: 2026)
        return (0..<148).map { i in Fixtures.village(nodes: 20 + rng.nextIndex(below: 281), seed: UInt64(i)) }
    }

    @Test func wholeDistrictPartitionsContiguously() throws {
        let villages = Self.district()
        let counts = try Apportionment.divisor(
            .huntingtonHill, weights: villages.map(\.totalWeight), total: 204,
            caps: villages.map(\.nodeCount))
        #expect(counts.reduce(0, +) == 204)
        let regionalizer = Regionalizer()
        // Timing is measured by tools/PartitionBench (release), never asserted here: shared
        // machines make wall-clock tests flaky.
        var results: [Regionalization] = []
        for (g, k) in zip(villages, counts) { results.append(try regionalizer.partition(g, regions: k, seed: 7)) }
        for ((g, k), r) in zip(zip(villages, counts), results) {
            #expect(Fixtures.regionsAreContiguous(g, r.regionOfNode, k: k))
            #expect(r.withinTolerance || r.feasibility.isTooCoarse)
        }
    }
}
