// `wangge plan rebalance`: the current plan brought back within tolerance under today's workloads
// with few block moves (greedy: the fewest it can find). The loads are the partition's hours model on each block (what the
// plan was drawn with), from the current addresses and incidents; the search is WanggePartition's
// `Rebalancer` on each village's block graph; the moved villages go through the same checks as
// any edit (`PlanEditor.reassign`).
import Foundation
import WanggeAssign
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggePartition
import WanggeWorkload

/// What lies in a block today.
public struct BlockLoad: Sendable, Equatable {
    /// Hours a week under the workload model, patrol shared out to the addresses (additive, as
    /// the partition weighs blocks).
    public var hours = 0.0
    public var addresses = 0
    public var households = 0
    public var incidents = 0
    public var residents = 0
    /// People flagged for care (elderly alone, disabled, low income, key persons), as the blocks' `flagged`.
    public var flagged = 0

    public init(hours: Double = 0, addresses: Int = 0, households: Int = 0, incidents: Int = 0, residents: Int = 0, flagged: Int = 0) {
        self.hours = hours
        self.addresses = addresses
        self.households = households
        self.incidents = incidents
        self.residents = residents
        self.flagged = flagged
    }
}

public enum BlockLoads {
    /// Each block's load from `layers`: every address and incident placed in a block of its own
    /// village by `GridLocator` (the blocks taken as the "grids"; the project's one point rule),
    /// hours as `wangge partition` weighs them — an address's visits, flags and upkeep plus its
    /// share of its village's patrol tree (`WorkloadModel.patrolShares`), an incident's hours.
    /// Blocks with nothing in them weigh 0. Keys: block ids.
    /// - Parameter villages: only these villages' blocks, addresses and incidents (the same
    ///   figures: a point is placed among its own village's blocks).
    public static func compute(_ plan: Plan, boundaries: DistrictBoundaries, layers: DistrictLayers,
                               model: WorkloadModel = .standard, villages: Set<String>? = nil) throws -> [String: BlockLoad] {
        var out: [String: BlockLoad] = [:]
        var asGrids = plan.blocks
        var layers = layers
        if let villages {
            asGrids.features = plan.blocks.features.filter { villages.contains($0.string("village_code") ?? "") }
            layers.addresses = layers.addresses.filter { villages.contains($0.villageCode) }
            layers.incidents = layers.incidents.filter { villages.contains($0.villageCode) }
        }
        for b in asGrids.features { out[Plan.blockID(b)] = BlockLoad() }
        guard !asGrids.features.isEmpty else { return out }
        for k in asGrids.features.indices {
            let id = Plan.blockID(asGrids.features[k])
            asGrids.features[k].properties?.set("code", .string(id))
        }
        let locator = try GridLocator(GridSet(collection: asGrids, metricCRS: boundaries.profile.metricCRS))
        let toMetric = try PROJTransformer(from: .wgs84, to: boundaries.profile.metricCRS)
        var byVillage: [String: [Int]] = [:]
        for (i, a) in layers.addresses.enumerated() { byVillage[a.villageCode, default: []].append(i) }
        for village in byVillage.keys.sorted() {
            let members = byVillage[village]!
            let metric = try members.map { try toMetric.transform(layers.addresses[$0].position) }
            let patrol = model.patrolShares(metric, elevation: boundaries.elevation)
            for (k, i) in members.enumerated() {
                let a = layers.addresses[i]
                guard let g = locator.grid(at: a.position, village: a.villageCode) else { continue }
                let id = locator.grids[g].code
                out[id]!.hours += model.addressHours(a) + patrol[k]
                out[id]!.addresses += 1
                out[id]!.households += a.households
                out[id]!.residents += a.residents
                out[id]!.flagged += a.flagged
            }
        }
        for i in layers.incidents {
            guard let g = locator.grid(at: i.position, village: i.villageCode) else { continue }
            let id = locator.grids[g].code
            out[id]!.hours += model.incidentHours(type: i.type.isEmpty ? "other" : i.type)
            out[id]!.incidents += 1
        }
        return out
    }
}

public struct PlanRebalance {
    /// Allowed deviation of a grid's hours from its village's mean (default ±10 %).
    public var tolerance: Double
    /// Grids that must not change.
    public var locked: Set<String>

    /// Where moves cannot bring a village within tolerance: redraw it with the same number of
    /// grids (the partition's regionalization on today's loads, locked grids kept, codes kept
    /// where they overlap most), kept only if that is within tolerance.
    public var redraw: Bool
    /// And where that fails too: redraw it with one grid more or one fewer (the count whose mean
    /// is nearer the district's mean grid first), kept only if within tolerance.
    public var changeCounts: Bool

    public init(tolerance: Double = 0.10, locked: Set<String> = [], redraw: Bool = true, changeCounts: Bool = false) {
        self.tolerance = tolerance
        self.locked = locked
        self.redraw = redraw
        self.changeCounts = changeCounts
    }

    public struct Village: Sendable {
        public var code: String
        public var name: String
        public var mean: Double
        /// Grid code, hours before and after, ascending by code.
        public var grids: [(code: String, before: Double, after: Double)]
        public var outBefore: [String]
        public var outAfter: [String]
        /// Blocks that changed grid.
        public var moves: Int
        /// Why grids stay out of tolerance, when they do.
        public var reason: String?
        /// Grid count after a redraw (nil: block moves only).
        public var redrawnInto: Int?
    }

    public struct Outcome: Sendable {
        public var plan: Plan
        /// Every block that changed grid, by id.
        public var moves: [(block: String, from: String, to: String)]
        /// Villages that had a grid out of tolerance before or after, by code.
        public var villages: [Village]
        /// What changes grid: blocks, addresses, households, incidents (today's, by `BlockLoads`).
        public var blocks: Int
        public var addresses: Int
        public var households: Int
        public var incidents: Int
        /// The district's totals, for the shares.
        public var totalAddresses: Int
        /// Seconds spent in the search alone (`Rebalancer`), all villages.
        public var searchSeconds: Double

        public var gridsOutBefore: Int { villages.reduce(0) { $0 + $1.outBefore.count } }
        public var gridsOutAfter: Int { villages.reduce(0) { $0 + $1.outAfter.count } }
    }

    /// Rebalances every village of `plan` with more than one grid under `loads` (block id → load).
    /// Villages already within tolerance are not touched; a moved village's grids are rebuilt and
    /// checked as any edit's (with `layers`, their figure properties recomputed; without, they keep
    /// their old figures — for measuring the search, never for recording).
    public func run(_ plan: Plan, loads: [String: BlockLoad], boundaries: DistrictBoundaries,
                    layers: DistrictLayers? = nil) throws -> Outcome {
        let editor = PlanEditor(boundaries: boundaries, layers: layers, locked: locked)
        let names = Dictionary(boundaries.villages.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        var current = plan
        var moves: [(block: String, from: String, to: String)] = []
        var villages: [Village] = []
        var searchSeconds = 0.0
        var touchedVillages = Set<String>(), touchedGrids = Set<String>()
        let weights = loads.mapValues(\.hours)
        let districtMean = weights.values.reduce(0, +) / Double(max(1, plan.grids.features.count))
        for (village, codes) in plan.gridsByVillage where codes.count > 1 {
            let vb = try VillageBlocks.of(current, village: village, weights: weights)
            let regionOf = Dictionary(codes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let assignment = vb.grid.map { regionOf[$0] ?? -1 }
            let lockedRegions = Set(codes.enumerated().filter { locked.contains($0.element) }.map(\.offset))
            let started = DispatchTime.now().uptimeNanoseconds
            let r: Rebalancer.Outcome
            do {
                r = try Rebalancer(options: .init(tolerance: tolerance)).rebalance(vb.graph, assignment: assignment, regions: codes.count,
                                                                                  locked: lockedRegions)
            } catch {
                throw PlanError(kind: .corrupt, file: "the plan", message: "village \(village): \(error)")
            }
            searchSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            guard !r.outBefore.isEmpty || !r.outAfter.isEmpty else { continue }
            if !r.outAfter.isEmpty, let redrawn = try redrawn(current, vb: vb, codes: codes, districtMean: districtMean, weights: weights,
                                                               boundaries: boundaries, layers: layers) {
                villages.append(Village(code: village, name: names[village] ?? "", mean: redrawn.mean,
                                        grids: redrawn.grids, outBefore: r.outBefore.map { codes[$0] }, outAfter: [],
                                        moves: redrawn.outcome.blocksMoved.count, reason: nil, redrawnInto: redrawn.count))
                current = redrawn.outcome.plan
                moves += redrawn.outcome.blocksMoved.map { ($0.id, $0.from, $0.to) }
                continue
            }
            var reason: String?
            if !r.outAfter.isEmpty {
                reason = Self.why(r, vb: vb, codes: codes, lockedRegions: lockedRegions, tolerance: tolerance)
                if redraw || changeCounts {
                    reason! += "; a redraw into \(changeCounts ? "\(codes.count - 1)–\(codes.count + 1)" : "\(codes.count)") grids does not balance it either"
                }
            }
            villages.append(Village(code: village, name: names[village] ?? "", mean: r.mean,
                                    grids: codes.indices.map { (codes[$0], r.loadsBefore[$0], r.loads[$0]) },
                                    outBefore: r.outBefore.map { codes[$0] }, outAfter: r.outAfter.map { codes[$0] },
                                    moves: r.movedNodes.count, reason: reason, redrawnInto: nil))
            guard !r.movedNodes.isEmpty else { continue }
            let newGrid = r.assignment.map { codes[$0] }
            let edited = try editor.reassign(current, vb, to: newGrid, edit: "rebalance \(village)", finish: false)
            current = edited.plan
            touchedVillages.insert(village)
            touchedGrids.formUnion(edited.changed + edited.added)
            moves += r.movedNodes.map { (vb.ids[$0], vb.grid[$0], newGrid[$0]) }
        }
        // One grid check and one figure run over every village moved (redrawn ones are finished).
        current = try editor.finish(current, villages: touchedVillages, codes: touchedGrids, edit: "rebalance")
        moves.sort { $0.block < $1.block }
        var addresses = 0, households = 0, incidents = 0
        for m in moves {
            let l = loads[m.block] ?? BlockLoad()
            addresses += l.addresses; households += l.households; incidents += l.incidents
        }
        return Outcome(plan: current, moves: moves, villages: villages, blocks: moves.count, addresses: addresses,
                       households: households, incidents: incidents,
                       totalAddresses: loads.values.reduce(0) { $0 + $1.addresses }, searchSeconds: searchSeconds)
    }

    /// The village redrawn (same count, then — with `changeCounts` — one more or one fewer), the
    /// first that is within tolerance; nil when none is (or neither fallback is allowed).
    func redrawn(_ plan: Plan, vb: VillageBlocks, codes: [String], districtMean: Double, weights: [String: Double],
                 boundaries: DistrictBoundaries, layers: DistrictLayers?) throws
        -> (outcome: PlanEditOutcome, count: Int, mean: Double, grids: [(code: String, before: Double, after: Double)])? {
        let k = codes.count
        var counts: [Int] = redraw ? [k] : []
        if changeCounts {
            let total = vb.graph.totalWeight
            // The count whose grids come nearer the district's mean grid first.
            let more = abs(total / Double(k + 1) - districtMean), fewer = k > 1 ? abs(total / Double(k - 1) - districtMean) : .infinity
            counts += more <= fewer ? [k + 1, k - 1] : [k - 1, k + 1]
        }
        let editor = PlanEditor(boundaries: boundaries, layers: layers, locked: locked, tolerance: tolerance, weights: weights)
        var before: [String: Double] = [:]
        for v in vb.grid.indices { before[vb.grid[v], default: 0] += vb.graph.weights[v] }
        for n in counts where n >= 1 && n <= vb.ids.count {
            guard let outcome = try? editor.apply(.setCount(village: vb.village, count: n), to: plan) else { continue }
            let after = try VillageBlocks.of(outcome.plan, village: vb.village, weights: weights)
            var load: [String: Double] = [:]
            for v in after.grid.indices { load[after.grid[v], default: 0] += after.graph.weights[v] }
            let mean = after.graph.totalWeight / Double(load.count)
            guard load.values.allSatisfy({ abs($0 - mean) <= tolerance * mean + 1e-9 * mean }) else { continue }
            let all = Set(load.keys).union(before.keys).sorted()
            return (outcome, n, mean, all.map { ($0, before[$0] ?? 0, load[$0] ?? 0) })
        }
        return nil
    }

    /// Why a village's grids stay out of tolerance: a block too heavy for any grid, a locked grid
    /// out of tolerance, or no sequence of moves between neighbours the search could find.
    static func why(_ r: Rebalancer.Outcome, vb: VillageBlocks, codes: [String], lockedRegions: Set<Int>, tolerance: Double) -> String {
        let upper = (1 + tolerance) * r.mean
        if let heavy = vb.graph.weights.indices.max(by: { vb.graph.weights[$0] < vb.graph.weights[$1] }), vb.graph.weights[heavy] > upper {
            return String(format: "block %@ alone weighs %.1f h, more than %.0f%% over the mean of %.1f h: fewer grids (`wangge plan set-count`) or a finer block",
                          vb.ids[heavy], vb.graph.weights[heavy], tolerance * 100, r.mean)
        }
        let lockedOut = r.outAfter.filter { lockedRegions.contains($0) }.map { codes[$0] }
        if !lockedOut.isEmpty { return "locked grid(s) \(lockedOut.joined(separator: ", ")) out of tolerance" }
        if codes.count == 2, lockedRegions.isEmpty, Rebalancer.twoWaySplitExists(vb.graph, tolerance: tolerance) == false {
            return String(format: "no split of its %d blocks into 2 grids in one piece each is within ±%g%% (every split tried)",
                          vb.ids.count, tolerance * 100)
        }
        return "no move between neighbouring grids that keeps them in one piece brings them closer (the blocks are too coarse here)"
    }
}
