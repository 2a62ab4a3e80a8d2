import Foundation
import Testing
import WanggeDistrict
import WanggeGeometry
import WanggeGeoJSON
import WanggePartition
import WanggePlans

/// The rebalance on the bundled plan with today's loads, and with one village's loads changed.
@Suite(.serialized) struct PlanRebalanceTests {
    static let loads: [String: BlockLoad] = try! BlockLoads.compute(Bundled.plan, boundaries: Bundled.boundaries, layers: Bundled.layers)

    /// Hours per grid code: the loads summed over each grid's blocks (the plan's block layer).
    static func hoursByGrid(_ plan: Plan, _ loads: [String: BlockLoad]) -> [String: Double] {
        var out: [String: Double] = [:]
        for b in plan.blocks.features { out[b.string("grid_code")!, default: 0] += loads[Plan.blockID(b)]!.hours }
        return out
    }

    @Test func everyAddressAndIncidentLandsInOneBlock() {
        #expect(Self.loads.count == Bundled.plan.blocks.features.count)
        #expect(Self.loads.values.reduce(0) { $0 + $1.addresses } == Bundled.layers.addresses.count)
        #expect(Self.loads.values.reduce(0) { $0 + $1.households } == Bundled.layers.addresses.reduce(0) { $0 + $1.households })
        #expect(Self.loads.values.reduce(0) { $0 + $1.incidents } == Bundled.layers.incidents.count)
        // Within each village, the hours are the plan's own block weights to a hair (the same
        // model, the same points): the partition drew the plan with these numbers.
        var diff = 0.0, total = 0.0
        for b in Bundled.plan.blocks.features {
            diff += abs((b.double("workload") ?? 0) - Self.loads[Plan.blockID(b)]!.hours)
            total += b.double("workload") ?? 0
        }
        #expect(diff / total < 0.01, "blocks' hours differ from the plan's by \(diff) of \(total)")
    }

    @Test func villagesWithinToleranceAreNotTouched() throws {
        let o = try PlanRebalance().run(Bundled.plan, loads: Self.loads, boundaries: Bundled.boundaries)
        let movedVillages = Set(o.moves.map { String($0.block.prefix(12)) })
        let outBefore = Set(o.villages.filter { !$0.outBefore.isEmpty }.map(\.code))
        #expect(movedVillages.isSubset(of: outBefore))
        if o.moves.isEmpty { #expect(o.plan == Bundled.plan) }
    }

    @Test func aHeavierGridIsBroughtBackByMovesInItsVillageOnly() throws {
        // A village of at least 3 grids; its first grid's blocks 30 % heavier.
        let (village, codes) = try #require(Bundled.plan.gridsByVillage.first { $0.grids.count >= 3 })
        var changed = Self.loads
        for b in Bundled.plan.blocks.features where b.string("grid_code") == codes[0] { changed[Plan.blockID(b)]!.hours *= 1.3 }
        let before = Self.hoursByGrid(Bundled.plan, changed)
        let villageTotal = codes.reduce(0) { $0 + before[$1]! }, mean = villageTotal / Double(codes.count)
        #expect(abs(before[codes[0]]! - mean) > 0.1 * mean, "the change should put \(codes[0]) out of tolerance")

        let o = try PlanRebalance(redraw: false).run(Bundled.plan, loads: changed, boundaries: Bundled.boundaries, layers: Bundled.layers)
        let after = Self.hoursByGrid(o.plan, changed)
        let v = try #require(o.villages.first { $0.code == village })
        if v.outAfter.isEmpty {
            for c in codes { #expect(abs(after[c]! - mean) <= 0.1 * mean + 1e-6, "\(c): \(after[c]!) vs mean \(mean)") }
        } else {
            #expect(v.reason != nil)
        }
        #expect(!o.moves.isEmpty)
        #expect(o.moves.allSatisfy { $0.block.hasPrefix(village) })
        // The disruption is the moved blocks' own counts.
        #expect(o.addresses == o.moves.reduce(0) { $0 + changed[$1.block]!.addresses })
        // Other villages: the same grids and blocks, byte for byte; the plan passes the grid check.
        PlanEditTests.expectOnlyVillageChanged(Bundled.plan, o.plan, village: village)
        try PlanEditTests.expectValidPlan(o.plan)
        let vb = try VillageBlocks.of(o.plan, village: village)
        for c in vb.gridCodes { #expect(vb.graph.isConnected(vb.nodes(of: c))) }

        // With the heavy grid locked, it keeps its blocks; the others may still move.
        let lockedRun = try PlanRebalance(locked: [codes[0]], redraw: false).run(Bundled.plan, loads: changed, boundaries: Bundled.boundaries)
        #expect(PlanEditTests.blocksByGrid(lockedRun.plan)[codes[0]] == PlanEditTests.blocksByGrid(Bundled.plan)[codes[0]])
        #expect(lockedRun.moves.allSatisfy { $0.from != codes[0] && $0.to != codes[0] })
    }

    @Test func aBlockTooHeavyForItsVillagesGridsNeedsACountChangeAndOnlyTheFlagAllowsIt() throws {
        // A village of exactly 2 grids; one of its blocks carries 10 times the village's load, so
        // no split into 2 grids is within tolerance — one grid is.
        let (village, codes) = try #require(Bundled.plan.gridsByVillage.first { $0.grids.count == 2 })
        var changed = Self.loads
        let blocks = Bundled.plan.blocks.features.filter { $0.string("village_code") == village }.map(Plan.blockID)
        let total = blocks.reduce(0) { $0 + changed[$1]!.hours }
        changed[blocks[0]]!.hours += 10 * max(total, 1)

        let movesOnly = try PlanRebalance(redraw: true, changeCounts: false).run(Bundled.plan, loads: changed, boundaries: Bundled.boundaries)
        let stuck = try #require(movesOnly.villages.first { $0.code == village })
        #expect(stuck.outAfter.count == 2 && stuck.reason?.contains("alone weighs") == true)
        #expect(movesOnly.plan.gridsByVillage.first { $0.village == village }!.grids == codes)

        let o = try PlanRebalance(changeCounts: true).run(Bundled.plan, loads: changed, boundaries: Bundled.boundaries, layers: Bundled.layers)
        let v = try #require(o.villages.first { $0.code == village })
        #expect(v.outAfter.isEmpty && v.redrawnInto == 1)
        let after = o.plan.gridsByVillage.first { $0.village == village }!.grids
        #expect(after.count == 1 && codes.contains(after[0]))
        // The one grid is the village: every block in it, and the plan passes the grid check.
        #expect(PlanEditTests.blocksByGrid(o.plan)[after[0]]?.count == blocks.count)
        try PlanEditTests.expectValidPlan(o.plan)
        PlanEditTests.expectOnlyVillageChanged(Bundled.plan, o.plan, village: village)
    }

    @Test func villageNeighboursAreTheVillagesGEOSFindsSharingABoundary() throws {
        let ctx = GEOSContext()
        let n = try VillageNeighbours.of(Bundled.boundaries)
        let villages = Bundled.boundaries.villages.sorted { $0.code < $1.code }
        let outlines = try villages.map { try ctx.geometry(from: .multiLineString($0.geometry.polygons.flatMap(\.rings))) }
        var pairs = 0
        for a in villages.indices {
            for b in (a + 1)..<villages.count where villages[a].geometry.envelope!.intersects(villages[b].geometry.envelope!) {
                // Shared boundary in degrees; 1e-5° is about a metre.
                let shared = try outlines[a].intersection(outlines[b]).length()
                let ours = n[villages[a].code]?.contains(villages[b].code) ?? false
                #expect(ours == (shared > 1e-5), "\(villages[a].code)–\(villages[b].code): GEOS shares \(shared)°")
                if ours { pairs += 1 }
            }
        }
        #expect(pairs > 100)
    }

    /// Two neighbouring villages of one township with 2 grids or more each.
    static func neighbourPair() throws -> (heavy: String, light: String) {
        let n = try VillageNeighbours.of(Bundled.boundaries)
        let township = Dictionary(Bundled.boundaries.villages.map { ($0.code, $0.townshipCode) }, uniquingKeysWith: { a, _ in a })
        let counts = Dictionary(Bundled.plan.gridsByVillage.map { ($0.village, $0.grids.count) }, uniquingKeysWith: { a, _ in a })
        for (a, _) in Bundled.plan.gridsByVillage where (counts[a] ?? 0) >= 2 {
            for b in n[a] ?? [] where (counts[b] ?? 0) >= 2 && township[a] == township[b] { return (a, b) }
        }
        throw PlanError(kind: .badArgument, file: "test", message: "no two neighbouring villages of one township with 2 grids each")
    }

    @Test func acrossVillagesAGridMovesFromALightVillageToItsHeavyNeighbourAndNothingElseChanges() throws {
        let (heavy, light) = try Self.neighbourPair()
        var changed = Self.loads
        for b in Bundled.plan.blocks.features {
            let v = b.string("village_code")
            if v == heavy { changed[Plan.blockID(b)]!.hours *= 2 }
            if v == light { changed[Plan.blockID(b)]!.hours *= 0.5 }
        }
        let count = { (p: Plan, v: String) in p.gridsByVillage.first { $0.village == v }!.grids.count }
        // Without the flag, grid counts never change.
        let within = try PlanRebalance().run(Bundled.plan, loads: changed, boundaries: Bundled.boundaries)
        #expect(count(within.plan, heavy) == count(Bundled.plan, heavy) && count(within.plan, light) == count(Bundled.plan, light))
        #expect(within.transfers.isEmpty)

        let o = try PlanRebalance(acrossVillages: true).run(Bundled.plan, loads: changed, boundaries: Bundled.boundaries, layers: Bundled.layers)
        let t = try #require(o.transfers.first { $0.to == heavy })
        #expect(t.from == light)
        #expect(count(o.plan, heavy) == count(Bundled.plan, heavy) + 1 && count(o.plan, light) == count(Bundled.plan, light) - 1)
        #expect(o.plan.grids.features.count == Bundled.plan.grids.features.count)
        // Every village that took part is within tolerance of its own mean, under today's loads.
        let hours = Self.hoursByGrid(o.plan, changed)
        for t in o.transfers {
            for v in [t.from, t.to] {
                let codes = o.plan.gridsByVillage.first { $0.village == v }!.grids
                let mean = codes.reduce(0) { $0 + hours[$1]! } / Double(codes.count)
                for c in codes { #expect(abs(hours[c]! - mean) <= 0.1 * mean + 1e-6, "\(c)") }
            }
        }
        // Villages without a transfer or a move are the same bytes; the plan passes the check; the
        // disruption is the moved blocks' own counts.
        let involved = Set(o.transfers.flatMap { [$0.from, $0.to] } + o.moves.map { String($0.block.prefix(12)) })
        let others = { (p: Plan) in p.grids.features.filter { !involved.contains($0.string("village_code")!) } }
        let otherBlocks = { (p: Plan) in p.blocks.features.filter { !involved.contains($0.string("village_code")!) } }
        #expect(others(o.plan) == others(Bundled.plan) && otherBlocks(o.plan) == otherBlocks(Bundled.plan))
        try PlanEditTests.expectValidPlan(o.plan)
        #expect(t.blocks == o.moves.filter { String($0.block.prefix(12)) == heavy || String($0.block.prefix(12)) == light }.count)
        #expect(o.addresses == o.moves.reduce(0) { $0 + changed[$1.block]!.addresses })

        // A village with a locked grid is never redrawn.
        let lockedCode = Bundled.plan.gridsByVillage.first { $0.village == heavy }!.grids[0]
        let l = try PlanRebalance(locked: [lockedCode], acrossVillages: true).run(Bundled.plan, loads: changed, boundaries: Bundled.boundaries)
        #expect(!l.transfers.contains { $0.from == heavy || $0.to == heavy })
        #expect(count(l.plan, heavy) == count(Bundled.plan, heavy))
    }

    @Test func aCountChangeBeyondOneIsTheSmallestThatBalances() throws {
        // A village of at least 3 grids; one block carries 10 times the village: no count but 1
        // can hold it within tolerance, a change of k − 1 ≥ 2.
        let (village, codes) = try #require(Bundled.plan.gridsByVillage.first { $0.grids.count >= 3 })
        var changed = Self.loads
        let blocks = Bundled.plan.blocks.features.filter { $0.string("village_code") == village }.map(Plan.blockID)
        let total = blocks.reduce(0) { $0 + changed[$1]!.hours }
        changed[blocks[0]]!.hours += 10 * max(total, 1)
        let o = try PlanRebalance(changeCounts: true).run(Bundled.plan, loads: changed, boundaries: Bundled.boundaries, layers: Bundled.layers)
        let v = try #require(o.villages.first { $0.code == village })
        #expect(v.outAfter.isEmpty && v.redrawnInto == 1)
        let after = o.plan.gridsByVillage.first { $0.village == village }!.grids
        #expect(after.count == 1 && codes.contains(after[0]))
        try PlanEditTests.expectValidPlan(o.plan)
        PlanEditTests.expectOnlyVillageChanged(Bundled.plan, o.plan, village: village)
    }
}
