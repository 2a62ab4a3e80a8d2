import Testing
import WanggePartition

/// The cross-village step's numbers on small cases whose answers are counted by hand.
@Suite struct GridTransferTests {
    typealias Group = GridTransfer.Group

    /// Three villages of one township in a chain 0–1–2.
    static func chain(_ loads: [Double], _ regions: [Int], cluster: [Int] = [0, 0, 0], fixed: [Bool] = [false, false, false],
                      stuck: [Bool] = [false, false, false]) -> [Group] {
        let neighbours = [[1], [0, 2], [1]]
        return loads.indices.map { Group(load: loads[$0], regions: regions[$0], cluster: cluster[$0], neighbours: neighbours[$0],
                                         fixed: fixed[$0], maxRegions: 20, stuck: stuck[$0]) }
    }

    @Test func aLightVillageGivesOneGridToItsHeavyNeighbour() {
        // Loads 300, 100, 200 on 2 grids each: township mean 100, village means 150 (+50 %),
        // 50 (−50 %), 100. Φ = 2·0.4² + 2·0.4² = 0.64; 1 → 0 leaves 100, 100, 100: Φ = 0.
        let g = Self.chain([300, 100, 200], [2, 2, 2])
        #expect(abs(GridTransfer.imbalance(g, tolerance: 0.1) - 0.64) < 1e-7)
        let p = GridTransfer.proposals(g, tolerance: 0.1)
        #expect(p.count == 1 && p[0].from == 1 && p[0].to == 0)
        #expect(abs(p[0].delta + 0.64) < 1e-7)
    }

    @Test func noTransferAcrossTownshipsOrWithAFixedVillageOrTheLastGrid() {
        // The light village in another township than its two neighbours (which do not touch).
        #expect(GridTransfer.proposals(Self.chain([300, 100, 200], [2, 2, 2], cluster: [0, 1, 0]), tolerance: 0.1).isEmpty)
        #expect(GridTransfer.proposals(Self.chain([300, 100, 200], [2, 2, 2], fixed: [true, false, false]), tolerance: 0.1).isEmpty)
        #expect(GridTransfer.proposals(Self.chain([300, 100, 200], [2, 2, 2], fixed: [false, true, false]), tolerance: 0.1).isEmpty)
        // The light village has one grid: it cannot give it (150, 50, 100 on 2, 1, 2: mean 60).
        let one = Self.chain([150, 30, 120], [2, 1, 2])
        #expect(GridTransfer.proposals(one, tolerance: 0.1).allSatisfy { $0.from != 1 })
        // Within the band everywhere: nothing.
        #expect(GridTransfer.proposals(Self.chain([210, 200, 190], [2, 2, 2]), tolerance: 0.1).isEmpty)
    }

    @Test func aStuckVillageTakesAGridOnlyWhenItsPartnerStaysInTheBand() {
        // 1000 on 10 grids and 120 on 1: township mean 1120/11 = 101.8; village 1 is +17.9 %, its
        // neighbour −1.8 % (not light): no heavy/light transfer.
        let two = [Group(load: 1000, regions: 10, cluster: 0, neighbours: [1], maxRegions: 50),
                   Group(load: 120, regions: 2 - 1, cluster: 0, neighbours: [0], maxRegions: 50)]
        #expect(GridTransfer.proposals(two, tolerance: 0.1).isEmpty)
        // Stuck, it may take one: its neighbour on 9 grids is at 1000/9/101.8 − 1 = +9.1 %, in the band.
        var stuck = two
        stuck[1].stuck = true
        let p = GridTransfer.proposals(stuck, tolerance: 0.1)
        #expect(p.count == 1 && p[0].from == 0 && p[0].to == 1)
        // 330 on 4 and 105 on 1 (mean 87): the giver would go to 330/3/87 − 1 = +26 %: refused.
        let tight = [Group(load: 330, regions: 4, cluster: 0, neighbours: [1], maxRegions: 50),
                     Group(load: 105, regions: 1, cluster: 0, neighbours: [0], maxRegions: 50, stuck: true)]
        #expect(GridTransfer.proposals(tight, tolerance: 0.1).isEmpty)
    }

    @Test func proposalsAreOrderedByTheirGainThenByIndex() {
        // Two light villages around one heavy one: 0 (light, 2 grids) – 1 (heavy, 1) – 2 (lighter, 2).
        let g = [Group(load: 140, regions: 2, cluster: 0, neighbours: [1], maxRegions: 9),
                 Group(load: 260, regions: 1, cluster: 0, neighbours: [0, 2], maxRegions: 9),
                 Group(load: 100, regions: 2, cluster: 0, neighbours: [1], maxRegions: 9)]
        // Mean 500/5 = 100: means 70 (−30 %), 260 (+160 %), 50 (−50 %).
        let p = GridTransfer.proposals(g, tolerance: 0.1)
        #expect(p.map(\.to) == [1, 1])
        #expect(p.map(\.from) == [2, 0])   // 2 gives: 50 → 100 (0) — better than 0 giving: 70 → 140 (+40 %)
        #expect(p[0].delta < p[1].delta)
    }
}
