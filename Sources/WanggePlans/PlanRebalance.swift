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
    /// - Parameter toMetric: WGS-84 → the district's metric CRS, when the caller has one (each PROJ
    ///   set-up costs milliseconds).
    public static func compute(_ plan: Plan, boundaries: DistrictBoundaries, layers: DistrictLayers,
                               model: WorkloadModel = .standard, villages: Set<String>? = nil,
                               toMetric given: PROJTransformer? = nil) throws -> [String: BlockLoad] {
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
        let toMetric = try given ?? PROJTransformer(from: .wgs84, to: boundaries.profile.metricCRS)
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
    /// And where that fails too: redraw it with k ± 1, then k ± 2, … grids (up to what its blocks
    /// allow; of each pair, the count whose mean is nearer the district's mean grid first), the
    /// smallest change that is within tolerance.
    public var changeCounts: Bool
    /// Move grids (workers) between neighbouring villages of one township, the district's total
    /// unchanged (`GridTransfer`; docs/PLANS.md): before any count change.
    public var acrossVillages: Bool

    public init(tolerance: Double = 0.10, locked: Set<String> = [], redraw: Bool = true, changeCounts: Bool = false,
                acrossVillages: Bool = false) {
        self.tolerance = tolerance
        self.locked = locked
        self.redraw = redraw
        self.changeCounts = changeCounts
        self.acrossVillages = acrossVillages
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

    /// One grid (a worker) moved from a village to a neighbouring one of its township.
    public struct Transfer: Sendable {
        public var from: String
        public var fromName: String
        public var to: String
        public var toName: String
        /// Grid counts before → after.
        public var fromGrids: (before: Int, after: Int)
        public var toGrids: (before: Int, after: Int)
        /// Mean grid hours of both villages before → after, and their township's mean grid.
        public var fromMean: (before: Double, after: Double)
        public var toMean: (before: Double, after: Double)
        public var townshipMean: Double
        /// What changes grid in the two villages (today's loads).
        public var blocks: Int
        public var addresses: Int
        public var households: Int
        public var incidents: Int
        /// Why: "heavy/light" or "stuck".
        public var why: String
    }

    public struct Outcome: Sendable {
        public var plan: Plan
        /// Every block that changed grid, by id.
        public var moves: [(block: String, from: String, to: String)]
        /// Villages that had a grid out of tolerance before or after, by code.
        public var villages: [Village]
        /// Grids moved between villages (`--across-villages`), in the order made.
        public var transfers: [Transfer] = []
        /// What changes grid: blocks, addresses, households, incidents (today's, by `BlockLoads`).
        public var blocks: Int
        public var addresses: Int
        public var households: Int
        public var incidents: Int
        /// The district's totals, for the shares.
        public var totalAddresses: Int
        /// Seconds spent in the search alone (`Rebalancer`, `GridTransfer`), all villages.
        public var searchSeconds: Double

        public var gridsOutBefore: Int { villages.reduce(0) { $0 + $1.outBefore.count } }
        public var gridsOutAfter: Int { villages.reduce(0) { $0 + $1.outAfter.count } }
    }

    /// Rebalances every village of `plan` with more than one grid under `loads` (block id → load).
    /// Villages already within tolerance are not touched (except as a transfer's partner); a
    /// moved village's grids are rebuilt and checked as any edit's (with `layers`, their figure
    /// properties recomputed; without, they keep their old figures — for measuring the search,
    /// never for recording).
    public func run(_ plan: Plan, loads: [String: BlockLoad], boundaries: DistrictBoundaries,
                    layers: DistrictLayers? = nil) throws -> Outcome {
        var state = RunState(plan: plan, loads: loads, rebalance: self, boundaries: boundaries, layers: layers)
        for (village, codes) in plan.gridsByVillage where codes.count > 1 {
            try state.rebalanceWithin(village, codes: codes)
        }
        if acrossVillages { try state.transfer() }
        if changeCounts { try state.changeCounts() }
        return try state.outcome()
    }

    /// What `run` carries from step to step.
    struct RunState {
        var current: Plan
        let loads: [String: BlockLoad]
        let weights: [String: Double]
        let rebalance: PlanRebalance
        let boundaries: DistrictBoundaries
        let layers: DistrictLayers?
        let editor: PlanEditor
        let names: [String: String]
        let districtMean: Double
        var moves: [String: (from: String, to: String)] = [:]
        var villages: [Village] = []
        var transfers: [Transfer] = []
        var searchSeconds = 0.0
        var touchedVillages = Set<String>(), touchedGrids = Set<String>()
        /// Villages still out of tolerance after moves and a same-count redraw, with the
        /// Rebalancer's outcome and their codes.
        var stuck: [String: (r: Rebalancer.Outcome, codes: [String], lockedRegions: Set<Int>)] = [:]

        init(plan: Plan, loads: [String: BlockLoad], rebalance: PlanRebalance, boundaries: DistrictBoundaries, layers: DistrictLayers?) {
            current = plan
            self.loads = loads
            weights = loads.mapValues(\.hours)
            self.rebalance = rebalance
            self.boundaries = boundaries
            self.layers = layers
            editor = PlanEditor(boundaries: boundaries, layers: layers, locked: rebalance.locked, tolerance: rebalance.tolerance,
                                weights: loads.mapValues(\.hours))
            names = Dictionary(boundaries.villages.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
            districtMean = loads.values.reduce(0) { $0 + $1.hours } / Double(max(1, plan.grids.features.count))
        }

        var tolerance: Double { rebalance.tolerance }

        func hours(_ vb: VillageBlocks, _ grid: [String]) -> [String: Double] {
            var load: [String: Double] = [:]
            for v in grid.indices { load[grid[v], default: 0] += vb.graph.weights[v] }
            return load
        }

        func withinTolerance(_ load: [String: Double]) -> Bool {
            let mean = load.values.reduce(0, +) / Double(max(1, load.count))
            return load.values.allSatisfy { abs($0 - mean) <= tolerance * mean + 1e-9 * mean }
        }

        /// Moves inside the village, then (with `redraw`) a same-count redraw.
        mutating func rebalanceWithin(_ village: String, codes: [String]) throws {
            let vb = try VillageBlocks.of(current, village: village, weights: weights)
            let regionOf = Dictionary(codes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let assignment = vb.grid.map { regionOf[$0] ?? -1 }
            let lockedRegions = Set(codes.enumerated().filter { rebalance.locked.contains($0.element) }.map(\.offset))
            let started = DispatchTime.now().uptimeNanoseconds
            let r: Rebalancer.Outcome
            do {
                r = try Rebalancer(options: .init(tolerance: tolerance)).rebalance(vb.graph, assignment: assignment, regions: codes.count,
                                                                                  locked: lockedRegions)
            } catch {
                throw PlanError(kind: .corrupt, file: "the plan", message: "village \(village): \(error)")
            }
            searchSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            guard !r.outBefore.isEmpty || !r.outAfter.isEmpty else { return }
            if !r.outAfter.isEmpty, rebalance.redraw, try redraw(village, into: codes.count, outBefore: r.outBefore.map { codes[$0] }) {
                return
            }
            var reason: String?
            if !r.outAfter.isEmpty {
                reason = PlanRebalance.why(r, vb: vb, codes: codes, lockedRegions: lockedRegions, tolerance: tolerance)
                if rebalance.redraw { reason! += "; a redraw into \(codes.count) grids does not balance it either" }
                stuck[village] = (r, codes, lockedRegions)
            }
            villages.append(Village(code: village, name: names[village] ?? "", mean: r.mean,
                                    grids: codes.indices.map { (codes[$0], r.loadsBefore[$0], r.loads[$0]) },
                                    outBefore: r.outBefore.map { codes[$0] }, outAfter: r.outAfter.map { codes[$0] },
                                    moves: r.movedNodes.count, reason: reason, redrawnInto: nil))
            guard !r.movedNodes.isEmpty else { return }
            let newGrid = r.assignment.map { codes[$0] }
            let edited = try editor.reassign(current, vb, to: newGrid, edit: "rebalance \(village)", finish: false)
            current = edited.plan
            touchedVillages.insert(village)
            touchedGrids.formUnion(edited.changed + edited.added)
            for v in r.movedNodes { record(vb.ids[v], from: vb.grid[v], to: newGrid[v]) }
        }

        mutating func record(_ block: String, from: String, to: String) {
            if let earlier = moves[block] {
                moves[block] = earlier.from == to ? nil : (earlier.from, to)
            } else {
                moves[block] = (from, to)
            }
        }

        /// The village's assignment redrawn into `n` grids, if that is within tolerance (numbers
        /// only: the regionalization on today's loads); nil otherwise or when it cannot be drawn.
        func redrawn(_ village: String, into n: Int) -> (vb: VillageBlocks, grid: [String], load: [String: Double])? {
            guard let (vb, grid) = try? editor.setCountAssignment(village, n, in: current, edit: "redraw \(village)") else { return nil }
            let load = hours(vb, grid)
            return withinTolerance(load) ? (vb, grid, load) : nil
        }

        /// Redraws the village into `n` grids if that is within tolerance and passes the checks,
        /// recording it; false if not.
        mutating func redraw(_ village: String, into n: Int, outBefore: [String]) throws -> Bool {
            guard let (vb, grid, load) = redrawn(village, into: n) else { return false }
            let edited: PlanEditOutcome
            do { edited = try built(village, vb: vb, grid: grid, count: n, on: current) } catch is PlanEditRefused { return false }
            commit(village, vb: vb, grid: grid, edited: edited, outBefore: outBefore, load: load, count: n)
            return true
        }

        /// The village rebuilt with `grid` on `plan` (unions, its grid check, figures); a failed
        /// check throws `PlanEditRefused`.
        func built(_ village: String, vb: VillageBlocks, grid: [String], count: Int, on plan: Plan) throws -> PlanEditOutcome {
            try editor.reassign(plan, vb, to: grid, retiring: Set(vb.gridCodes.filter { !rebalance.locked.contains($0) }),
                                edit: "rebalance: \(village) into \(count) grid(s)")
        }

        /// Records a built redraw: the plan, the village's report line, its moves.
        mutating func commit(_ village: String, vb: VillageBlocks, grid: [String], edited: PlanEditOutcome, outBefore: [String],
                             load: [String: Double], count: Int) {
            let before = hours(vb, vb.grid)
            current = edited.plan
            for v in vb.grid.indices where vb.grid[v] != grid[v] { record(vb.ids[v], from: vb.grid[v], to: grid[v]) }
            let all = Set(load.keys).union(before.keys).sorted()
            let entry = Village(code: village, name: names[village] ?? "", mean: load.values.reduce(0, +) / Double(max(1, load.count)),
                                grids: all.map { ($0, before[$0] ?? 0, load[$0] ?? 0) }, outBefore: outBefore, outAfter: [],
                                moves: edited.blocksMoved.count, reason: nil, redrawnInto: count)
            if let k = villages.firstIndex(where: { $0.code == village }) {
                var merged = entry
                merged.outBefore = villages[k].outBefore
                villages[k] = merged
            } else {
                villages.append(entry)
            }
            // Reassign with finish checked this village; it is done.
            touchedVillages.remove(village)
            stuck[village] = nil
        }

        /// `--across-villages`: transfers proposed by `GridTransfer` on today's loads, each kept only
        /// if both villages redrawn with their new counts are within tolerance; each village takes
        /// part in at most one transfer.
        mutating func transfer() throws {
            let started = DispatchTime.now().uptimeNanoseconds
            let neighbours = try VillageNeighbours.of(boundaries)
            searchSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let byVillage = Dictionary(current.gridsByVillage.map { ($0.village, $0.grids) }, uniquingKeysWith: { a, _ in a })
            let codes = byVillage.keys.sorted()
            let index = Dictionary(codes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let townships = Array(Set(boundaries.villages.map(\.townshipCode))).sorted()
            let townshipOf = Dictionary(boundaries.villages.map { ($0.code, $0.townshipCode) }, uniquingKeysWith: { a, _ in a })
            var load = [Double](repeating: 0, count: codes.count), blockCount = [Int](repeating: 0, count: codes.count)
            for b in current.blocks.features {
                guard let k = index[b.string("village_code") ?? ""] else { continue }
                load[k] += weights[Plan.blockID(b)] ?? 0
                blockCount[k] += 1
            }
            var groups = codes.enumerated().map { k, code in
                GridTransfer.Group(load: load[k], regions: byVillage[code]!.count,
                                   cluster: townships.firstIndex(of: townshipOf[code] ?? "") ?? -1 - k,
                                   neighbours: (neighbours[code] ?? []).compactMap { index[$0] }.sorted(),
                                   fixed: byVillage[code]!.contains { rebalance.locked.contains($0) },
                                   maxRegions: blockCount[k], stuck: stuck[code] != nil)
            }
            var done = Set<Int>()
            var tried: [String: Set<String>] = [:]
            defer {
                for (k, entry) in villages.enumerated() where stuck[entry.code] != nil {
                    guard let partners = tried[entry.code], !partners.isEmpty else { continue }
                    villages[k].reason = (villages[k].reason ?? "") + "; a grid moved to or from \(partners.sorted().joined(separator: ", ")) does not balance both villages either"
                }
            }
            while true {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let proposals = GridTransfer.proposals(groups, tolerance: tolerance).filter { !done.contains($0.from) && !done.contains($0.to) }
                searchSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                var accepted = false
                for p in proposals {
                    let (u, v) = (codes[p.from], codes[p.to])
                    let (ku, kv) = (groups[p.from].regions, groups[p.to].regions)
                    guard let ru = redrawn(u, into: ku - 1), let rv = redrawn(v, into: kv + 1) else {
                        tried[u, default: []].insert(v)
                        tried[v, default: []].insert(u)
                        continue
                    }
                    // Both built before either is recorded: the district's total never changes alone.
                    let eu: PlanEditOutcome, ev: PlanEditOutcome
                    do {
                        eu = try built(u, vb: ru.vb, grid: ru.grid, count: ku - 1, on: current)
                        ev = try built(v, vb: rv.vb, grid: rv.grid, count: kv + 1, on: eu.plan)
                    } catch is PlanEditRefused {
                        tried[u, default: []].insert(v)
                        tried[v, default: []].insert(u)
                        continue
                    }
                    let means = GridTransfer.clusterMeans(groups)
                    let outU = villages.first { $0.code == u }?.outBefore ?? [], outV = villages.first { $0.code == v }?.outBefore ?? []
                    commit(u, vb: ru.vb, grid: ru.grid, edited: eu, outBefore: outU, load: ru.load, count: ku - 1)
                    commit(v, vb: rv.vb, grid: rv.grid, edited: ev, outBefore: outV, load: rv.load, count: kv + 1)
                    var changed: [String] = []
                    for (vb, grid) in [(ru.vb, ru.grid), (rv.vb, rv.grid)] {
                        for n in vb.grid.indices where vb.grid[n] != grid[n] { changed.append(vb.ids[n]) }
                    }
                    let moved = changed.map { loads[$0] ?? BlockLoad() }
                    transfers.append(Transfer(
                        from: u, fromName: names[u] ?? "", to: v, toName: names[v] ?? "",
                        fromGrids: (ku, ku - 1), toGrids: (kv, kv + 1),
                        fromMean: (load[p.from] / Double(ku), load[p.from] / Double(ku - 1)),
                        toMean: (load[p.to] / Double(kv), load[p.to] / Double(kv + 1)),
                        townshipMean: means[groups[p.from].cluster] ?? 0,
                        blocks: changed.count, addresses: moved.reduce(0) { $0 + $1.addresses },
                        households: moved.reduce(0) { $0 + $1.households }, incidents: moved.reduce(0) { $0 + $1.incidents },
                        why: groups[p.to].stuck ? "\(v) cannot be balanced with \(kv) grid(s)"
                            : groups[p.from].stuck ? "\(u) cannot be balanced with \(ku) grid(s)" : "heavy and light neighbours"))
                    groups[p.from].regions -= 1
                    groups[p.to].regions += 1
                    groups[p.from].stuck = false
                    groups[p.to].stuck = false
                    done.formUnion([p.from, p.to])
                    accepted = true
                    break
                }
                if !accepted { break }
            }
        }

        /// `--allow-count-change`: each village still out of tolerance redrawn with k ± 1, k ± 2, …
        /// grids (at least 1 and its locked grids + 1, at most its blocks), the smallest change that
        /// is within tolerance; of k + d and k − d, the one whose mean is nearer the district's mean
        /// grid first.
        mutating func changeCounts() throws {
            for village in stuck.keys.sorted() {
                guard let s = stuck[village] else { continue }
                let vb = try VillageBlocks.of(current, village: village, weights: weights)
                let k = vb.gridCodes.count
                let lockedHere = vb.gridCodes.filter { rebalance.locked.contains($0) }.count
                let free = vb.grid.filter { !rebalance.locked.contains($0) }.count
                let low = max(1, lockedHere + (free > 0 ? 1 : 0)), high = free + lockedHere
                let total = vb.graph.totalWeight
                var done = false
                for d in 1...max(1, max(k - low, high - k)) where !done {
                    var pair = [k + d, k - d].filter { $0 >= low && $0 <= high }
                    pair.sort { abs(total / Double($0) - districtMean) < abs(total / Double($1) - districtMean) }
                    for n in pair where !done {
                        done = try redraw(village, into: n, outBefore: s.codes.indices.filter { s.r.outBefore.contains($0) }.map { s.codes[$0] })
                    }
                }
                if !done, let k = villages.firstIndex(where: { $0.code == village }) {
                    villages[k].reason = (villages[k].reason ?? "") + "; no count from \(low) to \(high) grids balances it"
                }
            }
        }

        mutating func outcome() throws -> Outcome {
            // One grid check and one figure run over every village moved (redrawn ones are finished).
            current = try editor.finish(current, villages: touchedVillages, codes: touchedGrids, edit: "rebalance")
            let list = moves.keys.sorted().map { (block: $0, from: moves[$0]!.from, to: moves[$0]!.to) }
            var addresses = 0, households = 0, incidents = 0
            for m in list {
                let l = loads[m.block] ?? BlockLoad()
                addresses += l.addresses; households += l.households; incidents += l.incidents
            }
            return Outcome(plan: current, moves: list, villages: villages.sorted { $0.code < $1.code }, transfers: transfers,
                           blocks: list.count, addresses: addresses, households: households, incidents: incidents,
                           totalAddresses: loads.values.reduce(0) { $0 + $1.addresses }, searchSeconds: searchSeconds)
        }
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

/// Which villages neighbour which: those sharing a boundary segment exactly (the same two
/// vertices, either direction) — the villages file is a coverage whose neighbours share vertices,
/// as the blocks are (`VillageBlocks`); a test checks it against GEOS on the bundled district.
public enum VillageNeighbours {
    public static func of(_ boundaries: DistrictBoundaries) throws -> [String: [String]] {
        struct Segment: Hashable { let a: Coordinate, b: Coordinate }
        var owner: [Segment: Int] = [:]
        var pairs = Set<Int>()
        let villages = boundaries.villages.sorted { $0.code < $1.code }
        let n = villages.count
        for (k, v) in villages.enumerated() {
            for p in v.geometry.polygons {
                for ring in p.rings where ring.count > 1 {
                    for i in 1..<ring.count where ring[i - 1] != ring[i] {
                        let (p0, p1) = (ring[i - 1], ring[i])
                        let key = (p0.x, p0.y) < (p1.x, p1.y) ? Segment(a: p0, b: p1) : Segment(a: p1, b: p0)
                        if let o = owner[key] { if o != k { pairs.insert(min(o, k) * n + max(o, k)) } } else { owner[key] = k }
                    }
                }
            }
        }
        var out: [String: [String]] = [:]
        for key in pairs.sorted() {
            let (a, b) = (villages[key / n].code, villages[key % n].code)
            out[a, default: []].append(b)
            out[b, default: []].append(a)
        }
        return out.mapValues { $0.sorted() }
    }
}
