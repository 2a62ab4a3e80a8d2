// The figures of issue 11's edits and rebalance, measured on a real plan (a `wangge partition
// --out` directory) and the district's boundaries/:
//   1. one edit with its validation (move, split, merge, set-count, split along a drawn line),
//      figures recomputed;
//   2. rebalance after ±30 % workload changes in N seeded random villages, within villages and
//      with --across-villages: grids out of tolerance before/after (and why, where they stay
//      out), grids moved between villages, time, addresses moved;
//   3. rebalance after 800 households are added to one village: which grids change.
// Run with a release build: tools/bench-plan-edits.sh (docs/PLANS.md quotes its output).
import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggeIO
import WanggePartition
import WanggePlans
import WanggeWorkload

struct Arguments {
    var boundaries = "boundaries"
    var plan = "out"
    var seed: UInt64 = 1
    var villages = 20
    var runs = 20
    var households = 800

    init(_ argv: [String]) throws {
        var i = 1
        func value() throws -> String {
            i += 1
            guard i < argv.count else { throw BenchError("\(argv[i - 1]) needs a value") }
            return argv[i]
        }
        while i < argv.count {
            switch argv[i] {
            case "--boundaries": boundaries = try value()
            case "--plan": plan = try value()
            case "--seed": seed = UInt64(try value()) ?? 1
            case "--villages": villages = Int(try value()) ?? 20
            case "--runs": runs = Int(try value()) ?? 20
            case "--households": households = Int(try value()) ?? 800
            default: throw BenchError("unknown argument \(argv[i]); usage: plan-bench --boundaries DIR --plan PARTITION-DIR [--seed N] [--villages N] [--runs N] [--households N]")
            }
            i += 1
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func ms(_ s: Double) -> String { String(format: "%.1f ms", s * 1000) }

/// The process's CPU time in seconds: on a machine shared with other builds, wall time says as
/// much about them as about us, CPU time (one thread here) does not.
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func timeEdit(_ name: String, _ edit: PlanEdit, on plan: Plan, editor: PlanEditor, runs: Int) throws {
    var times: [Double] = [], cpu: [Double] = []
    var outcome: PlanEditOutcome?
    for _ in 0..<runs {
        let c0 = cpuSeconds()
        times.append(try seconds { outcome = try editor.apply(edit, to: plan) })
        cpu.append(cpuSeconds() - c0)
    }
    times.sort()
    cpu.sort()
    let o = outcome!
    print("  \(name): median \(ms(times[times.count / 2])) (CPU \(ms(cpu[cpu.count / 2]))), max \(ms(times.last!)) over \(runs) runs"
          + " (\(o.changed.count) reshaped, \(o.added.count) added, \(o.removed.count) removed, \(o.blocksMoved.count) block(s) moved)")
}

/// Grid features of villages other than `village`, and their blocks, unchanged?
func onlyVillageChanged(_ a: Plan, _ b: Plan, village: String) -> (grids: [String], blocks: Int) {
    let before = Dictionary(a.grids.features.map { (Plan.gridCode($0), $0) }, uniquingKeysWith: { x, _ in x })
    var changed: [String] = []
    for f in b.grids.features where before[Plan.gridCode(f)] != f { changed.append(Plan.gridCode(f)) }
    let gone = Set(before.keys).subtracting(b.grids.features.map(Plan.gridCode))
    changed += gone
    let outside = changed.filter { !$0.hasPrefix(village) }
    let blocksOutside = zip(a.blocks.features, b.blocks.features).filter { $0.0 != $0.1 && $0.0.string("village_code") != village }.count
    return (outside.sorted(), blocksOutside)
}

func main() throws {
    let args = try Arguments(CommandLine.arguments)
    var boundaries: DistrictBoundaries!
    var layers: DistrictLayers!
    var plan: Plan!
    let loading = try seconds {
        boundaries = try DistrictBoundaries.load(directory: args.boundaries)
        layers = try DistrictLayers.load(directory: args.boundaries, lines: false)
        plan = try PlanSource.load(args.plan)
    }
    print("plan \(args.plan): \(plan.grids.features.count) grids, \(plan.blocks.features.count) blocks; loading \(ms(loading))")

    // 1. One edit with its validation.
    let editor = PlanEditor(boundaries: boundaries, layers: layers)
    var movable: (VillageBlocks, Int, String, String)?
    search: for (village, codes) in plan.gridsByVillage where codes.count >= 3 {
        let vb = try VillageBlocks.of(plan, village: village)
        for v in vb.ids.indices {
            let rest = vb.nodes(of: vb.grid[v]).filter { $0 != v }
            guard rest.count >= 2, vb.graph.isConnected(rest) else { continue }
            if let u = vb.graph.neighbours(of: v).first(where: { vb.grid[$0] != vb.grid[v] }) { movable = (vb, v, vb.grid[v], vb.grid[u]); break search }
        }
    }
    guard let (vb, v, from, to) = movable else { throw BenchError("no movable block in the plan") }
    print("1. one edit with its validation (village \(vb.village), \(vb.ids.count) blocks, \(vb.gridCodes.count) grids; figures recomputed):")
    try timeEdit("move \(vb.ids[v]) \(from) → \(to)", .move(blocks: [vb.ids[v]], to: to), on: plan, editor: editor, runs: args.runs)
    // Where the time of one edit goes: the graph, the edit without figures, the village's check alone.
    var parts: [(String, Double)] = []
    parts.append(("block graph", try seconds { for _ in 0..<args.runs { _ = try VillageBlocks.of(plan, village: vb.village) } } / Double(args.runs)))
    let bare = PlanEditor(boundaries: boundaries)
    parts.append(("edit without figures", try seconds { for _ in 0..<args.runs { _ = try bare.apply(.move(blocks: [vb.ids[v]], to: to), to: plan) } } / Double(args.runs)))
    let villageGrids = FeatureCollection(features: plan.grids.features.filter { $0.string("village_code") == vb.village })
    parts.append(("grid check of the village", try seconds { for _ in 0..<args.runs { _ = try GridValidation().run(villageGrids, boundaries: boundaries, villages: [vb.village]) } } / Double(args.runs)))
    parts.append(("one PROJ transformer", try seconds { for _ in 0..<args.runs { _ = try PROJTransformer(from: .wgs84, to: boundaries.profile.metricCRS) } } / Double(args.runs)))
    print("    of which (mean): " + parts.map { "\($0.0) \(ms($0.1))" }.joined(separator: ", "))
    try timeEdit("split \(vb.ids[v]) off \(from)", .split(grid: from, blocks: [vb.ids[v]]), on: plan, editor: editor, runs: args.runs)
    try timeEdit("merge \(to) into \(from)", .merge(into: from, from: to), on: plan, editor: editor, runs: args.runs)
    try timeEdit("set-count \(vb.village) \(vb.gridCodes.count + 1)", .setCount(village: vb.village, count: vb.gridCodes.count + 1),
                 on: plan, editor: editor, runs: max(1, args.runs / 4))
    // A drawn line: straight through a grid's centroid, crossing its outline exactly twice,
    // 30 m beyond it at both ends (the first grid of the village, then the others, that has one).
    let toMetric = try PROJTransformer(from: .wgs84, to: boundaries.profile.metricCRS)
    let toWGS84 = try PROJTransformer(from: boundaries.profile.metricCRS, to: .wgs84)
    var drawn: (String, [Coordinate])?
    for code in [from, to] + vb.gridCodes where drawn == nil {
        let g = try toMetric.transform(plan.grids.features.first { Plan.gridCode($0) == code }!.geometry!)
        if let line = straightLine(across: g) { drawn = (code, try toWGS84.transform(line)) }
    }
    if let (code, line) = drawn {
        let edit = PlanEdit.splitAlong(grid: code, line: line, snap: 5)
        try timeEdit("split \(code) along a drawn line", edit, on: plan, editor: editor, runs: args.runs)
        let o = try editor.apply(edit, to: plan)
        print(String(format: "    %d block(s) cut; new boundary %.0f m drawn across blocks, %.0f m along block edges",
                     o.cut?.pieces.count ?? 0, o.cut?.drawn ?? 0, o.cut?.alongBlockEdges ?? 0))
        print("  split-line \(code) LINESTRING (" + line.map { String(format: "%.7f %.7f", $0.x, $0.y) }.joined(separator: ", ") + ")")
    } else {
        print("  split along a drawn line: no straight line crosses a grid of \(vb.village) exactly once")
    }

    // 2. Rebalance after ±30 % changes in N random villages.
    var loads: [String: BlockLoad] = [:]
    let loadTime = try seconds { loads = try BlockLoads.compute(plan, boundaries: boundaries, layers: layers) }
    let totalAddresses = loads.values.reduce(0) { $0 + $1.addresses }
    print("2. block loads from boundaries/ (\(totalAddresses) addresses): \(ms(loadTime))")
    let baseline = try PlanRebalance().run(plan, loads: loads, boundaries: boundaries)
    print("   unchanged workloads: \(baseline.gridsOutBefore) grid(s) out of ±10 % before, \(baseline.gridsOutAfter) after, \(baseline.blocks) block(s) moved")

    var rng = SplitMix64(seed: args.seed)
    var candidates = plan.gridsByVillage.filter { $0.grids.count >= 2 }.map(\.village)
    for k in stride(from: candidates.count - 1, to: 0, by: -1) { candidates.swapAt(k, Int(rng.next() % UInt64(k + 1))) }
    let chosen = Array(candidates.prefix(args.villages)).sorted()
    var changed = loads
    var factorOfGrid: [String: Double] = [:]
    for (village, codes) in plan.gridsByVillage where chosen.contains(village) {
        for code in codes { factorOfGrid[code] = 0.7 + 0.6 * Double(rng.next() % 1_000_001) / 1_000_000 }
    }
    for b in plan.blocks.features {
        guard let f = factorOfGrid[b.string("grid_code") ?? ""] else { continue }
        changed[Plan.blockID(b), default: BlockLoad()].hours *= f
    }
    print("   each grid of \(chosen.count) villages (seed \(args.seed)) × a factor drawn uniformly from [0.7, 1.3]:")
    for (across, withFigures) in [(false, false), (false, true), (true, false), (true, true)] {
        var outcome: PlanRebalance.Outcome!
        let c0 = cpuSeconds()
        let total = try seconds {
            outcome = try PlanRebalance(acrossVillages: across).run(plan, loads: changed, boundaries: boundaries, layers: withFigures ? layers : nil)
        }
        let cpu = cpuSeconds() - c0
        let o = outcome!
        if !withFigures {
            print(across ? "   with --across-villages:" : "   within villages only:")
            for t in o.transfers {
                print(String(format: "     transfer: %@ %@ (%d → %d grids, mean %.1f → %.1f h) → %@ %@ (%d → %d, mean %.1f → %.1f h), township mean %.1f h; %d blocks, %d addresses change grid (%@)",
                             t.from, t.fromName, t.fromGrids.before, t.fromGrids.after, t.fromMean.before, t.fromMean.after,
                             t.to, t.toName, t.toGrids.before, t.toGrids.after, t.toMean.before, t.toMean.after, t.townshipMean,
                             t.blocks, t.addresses, t.why))
            }
            // Each grid's hours against its village's mean, today's loads, after.
            var hours: [String: Double] = [:]
            for b in o.plan.blocks.features { hours[b.string("grid_code") ?? "", default: 0] += changed[Plan.blockID(b)]?.hours ?? 0 }
            var outside = 0
            for (_, codes) in o.plan.gridsByVillage where codes.count > 1 {
                let mean = codes.reduce(0) { $0 + hours[$1, default: 0] } / Double(codes.count)
                outside += codes.filter { abs(hours[$0, default: 0] - mean) > 0.1 * mean + 1e-9 * mean }.count
            }
            print("   grids out of ±10 % of their village's mean after, counted afresh from the plan: \(outside)")
            let stillOut = o.villages.filter { !$0.outAfter.isEmpty }
            let infeasible = stillOut.filter { $0.reason?.contains("alone weighs") ?? false }
            let infeasibleGrids = infeasible.reduce(0) { $0 + $1.outAfter.count }
            print("   grids out of ±10 %: \(o.gridsOutBefore) before, \(o.gridsOutAfter) after (\(infeasibleGrids) of them in villages where a single block weighs more than 110 % of the mean)")
            let redrawn = o.villages.filter { $0.redrawnInto != nil }
            print("   villages fixed by moves: \(o.villages.filter { $0.redrawnInto == nil && $0.outAfter.isEmpty }.count); redrawn (same count) because moves could not: \(redrawn.count)\(redrawn.isEmpty ? "" : " (" + redrawn.map { "\($0.code) \($0.name), \($0.moves) blocks" }.joined(separator: "; ") + ")")")
            let neighbours = try VillageNeighbours.of(boundaries)
            var villageHours: [String: Double] = [:]
            for b in plan.blocks.features { villageHours[b.string("village_code") ?? "", default: 0] += changed[Plan.blockID(b)]?.hours ?? 0 }
            let counts = Dictionary(o.plan.gridsByVillage.map { ($0.village, $0.grids.count) }, uniquingKeysWith: { a, _ in a })
            let township = Dictionary(boundaries.villages.map { ($0.code, $0.townshipCode) }, uniquingKeysWith: { a, _ in a })
            func townshipMean(_ t: String) -> Double {
                let vs = counts.keys.filter { township[$0] == t }
                return vs.reduce(0) { $0 + villageHours[$1, default: 0] } / Double(vs.reduce(0) { $0 + counts[$1]! })
            }
            for vl in stillOut {
                print("     \(vl.code) \(vl.name): \(vl.outAfter.joined(separator: ", ")) — \(vl.reason ?? "")")
                let m = townshipMean(township[vl.code] ?? "")
                let d = { (v: String) in villageHours[v, default: 0] / Double(counts[v] ?? 1) / m - 1 }
                print(String(format: "       its mean grid %+.1f%% of its township's (%.1f h); neighbours in the township: ", d(vl.code) * 100, m)
                      + (neighbours[vl.code] ?? []).filter { township[$0] == township[vl.code] }.map { String(format: "%@ %d grid(s) %+.1f%%", $0, counts[$0] ?? 0, d($0) * 100) }.joined(separator: ", "))
                if vl.grids.count == 2 {
                    let g = try VillageBlocks.of(plan, village: vl.code, weights: changed.mapValues(\.hours)).graph
                    var exact: Bool??
                    let t = seconds { exact = Rebalancer.twoWaySplitExists(g, tolerance: 0.10, maxSets: 50_000_000) }
                    let answer = exact! == nil ? "undecided" : (exact!! ? "a balanced split in one piece each exists" : "no balanced split in one piece each exists")
                    print("       exact check of every split of its \(g.nodeCount) blocks into 2: \(answer) (\(ms(t)))")
                }
            }
            print(String(format: "   moves: %d block(s), %d address(es) = %.2f%% of %d, %d household(s), %d incident(s) change grid",
                         o.blocks, o.addresses, Double(o.addresses) / Double(max(1, totalAddresses)) * 100, totalAddresses, o.households, o.incidents))
            print("   time: search \(ms(o.searchSeconds)); search + grids rebuilt and checked \(ms(total)) (CPU \(ms(cpu)))")
        } else {
            print("   time with the moved grids' figures recomputed too: \(ms(total)) (CPU \(ms(cpu)))\(across ? " [--across-villages]" : "")")
        }
    }

    // 3. 800 households added to one village (太平镇 when there is one with ≥ 2 grids).
    let model = WorkloadModel.standard
    let townVillages = Set(boundaries.villages.filter { $0.township.contains("太平") }.map(\.code))
    let target = plan.gridsByVillage.first { townVillages.contains($0.village) && $0.grids.count >= 2 }
        ?? plan.gridsByVillage.first { $0.grids.count >= 2 }!
    let tv = try VillageBlocks.of(plan, village: target.village, weights: loads.mapValues(\.hours))
    // A new estate: the households land in one block, the village's largest.
    let estate = tv.ids.indices.max { (plan.blocks.features[tv.featureIndex[$0]].double("area_m2") ?? 0, $0) < (plan.blocks.features[tv.featureIndex[$1]].double("area_m2") ?? 0, $1) }!
    var grown = loads
    let added = model.visitHours(households: args.households) + model.upkeepHours(records: args.households)
    grown[tv.ids[estate]]!.hours += added
    grown[tv.ids[estate]]!.households += args.households
    var o3: PlanRebalance.Outcome!
    let t3 = try seconds { o3 = try PlanRebalance(changeCounts: true).run(plan, loads: grown, boundaries: boundaries) }
    let (outside, blocksOutside) = onlyVillageChanged(plan, o3.plan, village: target.village)
    let name = boundaries.villages.first { $0.code == target.village }?.name ?? ""
    print(String(format: "3. %d households (+%.1f h/week) added to block %@ of %@ %@ (%d grids; count changes allowed):", args.households, added, tv.ids[estate], target.village, name, target.grids.count))
    print("   grids out of ±10 %: \(o3.gridsOutBefore) before, \(o3.gridsOutAfter) after; \(o3.blocks) block(s), \(o3.addresses) address(es) change grid; \(ms(t3))")
    for vl in o3.villages {
        let after = o3.plan.gridsByVillage.first { $0.village == vl.code }?.grids.count ?? 0
        print("     \(vl.code) \(vl.name): \(target.grids.count) → \(after) grid(s), \(vl.moves) block(s) moved\(vl.redrawnInto.map { ", redrawn into \($0) grids" } ?? "")")
    }
    for vl in o3.villages where !vl.outAfter.isEmpty { print("     \(vl.code) \(vl.name): \(vl.outAfter.joined(separator: ", ")) — \(vl.reason ?? "")") }
    print("   grids changed outside \(target.village): \(outside.count)\(outside.isEmpty ? "" : " (\(outside.prefix(5).joined(separator: ", ")))"); blocks changed outside it: \(blocksOutside)")
}

/// A straight line (metres) through the polygon's area-weighted centre that crosses its rings
/// exactly twice, extended 30 m beyond both crossings; angles 0°, 15°, … tried in turn.
func straightLine(across g: Geometry) -> [Coordinate]? {
    guard let p = g.polygons.first else { return nil }
    var a = 0.0, cx = 0.0, cy = 0.0
    let r = p.exterior
    for k in 1..<r.count {
        let c = r[k - 1].x * r[k].y - r[k].x * r[k - 1].y
        a += c; cx += (r[k - 1].x + r[k].x) * c; cy += (r[k - 1].y + r[k].y) * c
    }
    guard a != 0 else { return nil }
    let centre = Coordinate(cx / (3 * a), cy / (3 * a))
    let env = g.envelope!
    let reach = max(env.width, env.height) * 1.5
    for angle in stride(from: 0.0, to: 180.0, by: 15.0) {
        let dx = cos(angle * .pi / 180), dy = sin(angle * .pi / 180)
        let s0 = Coordinate(centre.x - reach * dx, centre.y - reach * dy), s1 = Coordinate(centre.x + reach * dx, centre.y + reach * dy)
        var ts: [Double] = []
        for ring in p.rings {
            for k in 1..<ring.count {
                let (q0, q1) = (ring[k - 1], ring[k])
                let rx = s1.x - s0.x, ry = s1.y - s0.y, sx = q1.x - q0.x, sy = q1.y - q0.y
                let den = rx * sy - ry * sx
                guard den != 0 else { continue }
                let t = ((q0.x - s0.x) * sy - (q0.y - s0.y) * sx) / den, u = ((q0.x - s0.x) * ry - (q0.y - s0.y) * rx) / den
                if t >= 0, t <= 1, u >= 0, u < 1 { ts.append(t) }
            }
        }
        guard ts.count == 2 else { continue }
        let (t0, t1) = (ts.min()!, ts.max()!), length = 2 * reach
        return [Coordinate(s0.x + (t0 - 30 / length) * (s1.x - s0.x), s0.y + (t0 - 30 / length) * (s1.y - s0.y)),
                Coordinate(s0.x + (t1 + 30 / length) * (s1.x - s0.x), s0.y + (t1 + 30 / length) * (s1.y - s0.y))]
    }
    return nil
}

do {
    try main()
} catch {
    FileHandle.standardError.write(Data("plan-bench: \(error)\n".utf8))
    exit(1)
}
