// The planner's edits as values: each is applied to a plan and gives a new plan or a refusal that
// lists every reason. Every edit works on one village's block graph (which block in which grid),
// checks the graph (adjacent, contiguous, not empty, not locked), then builds the changed grids as
// unions of their blocks — so grid boundaries are block edges, the natural lines — and runs the
// grid check on that village before anything is recorded.
import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggeIO
import WanggePartition

public enum PlanEdit: Sendable, Equatable {
    /// Blocks (one village) to a neighbouring grid of that village.
    case move(blocks: [String], to: String)
    /// The listed blocks of a grid become a new grid (the village's next free code).
    case split(grid: String, blocks: [String])
    /// A grid split into the two sides of a line drawn across it (WGS-84 lon/lat), snapped to its
    /// block edges within `snap` metres; the blocks it crosses are cut along it.
    case splitAlong(grid: String, line: [Coordinate], snap: Double)
    /// The second grid's blocks join the first; the second code is retired.
    case merge(into: String, from: String)
    /// The village redrawn into `count` grids; its locked grids stay as they are.
    case setCount(village: String, count: Int)
    /// Codes of one village (nil: every village) renumbered 001… west → east, then north → south.
    case renumber(village: String?)

    public var action: PlanAction {
        switch self {
        case .move: .move
        case .split, .splitAlong: .split
        case .merge: .merge
        case .setCount: .setCount
        case .renumber: .renumber
        }
    }

    /// The default message of the version it records.
    public var summary: String {
        switch self {
        case let .move(blocks, to): "move \(blocks.count == 1 ? "block \(blocks[0])" : "\(blocks.count) blocks") to \(to)"
        case let .split(grid, blocks): "split \(grid): \(blocks.count) block(s) become a new grid"
        case let .splitAlong(grid, _, _): "split \(grid) along a drawn line"
        case let .merge(a, b): "merge \(b) into \(a)"
        case let .setCount(v, n): "set \(v) to \(n) grid(s)"
        case .renumber(let v): v.map { "renumber the grids of \($0)" } ?? "renumber every village's grids"
        }
    }
}

/// An edit that was not applied, with every reason; nothing is recorded.
public struct PlanEditRefused: Error, CustomStringConvertible, Sendable {
    public var edit: String
    public var reasons: [String]

    public init(edit: String, reasons: [String]) {
        self.edit = edit
        self.reasons = reasons
    }

    public var description: String {
        "refused: \(edit); nothing was recorded:\n" + reasons.map { "  - \($0)" }.joined(separator: "\n") + "\n"
    }
}

/// What an applied edit changed.
public struct PlanEditOutcome: Sendable {
    public var plan: Plan
    public var added: [String]
    public var removed: [String]
    /// Grids whose blocks changed (not added, not removed).
    public var changed: [String]
    /// Codes that changed name (renumber): old → new.
    public var renamed: [(from: String, to: String)]
    public var blocksMoved: [(id: String, from: String, to: String)]
    /// A split along a drawn line: the blocks it cut and the new boundary's length.
    public var cut: LineCut? = nil
}

public struct PlanEditor {
    public var boundaries: DistrictBoundaries
    /// With layers, the figure properties of new and changed grids are recomputed.
    public var layers: DistrictLayers?
    /// Grid codes no edit may touch.
    public var locked: Set<String>
    /// For `setCount`'s regionalization: balance tolerance and seed (as `wangge partition`'s).
    public var tolerance: Double
    public var seed: UInt64
    /// Block id → weight for `setCount` (today's hours, from the rebalance); nil: the blocks'
    /// `workload` as the plan was drawn.
    public var weights: [String: Double]?

    public init(boundaries: DistrictBoundaries, layers: DistrictLayers? = nil, locked: Set<String> = [],
                tolerance: Double = 0.10, seed: UInt64 = 0, weights: [String: Double]? = nil) {
        self.boundaries = boundaries
        self.layers = layers
        self.locked = locked
        self.tolerance = tolerance
        self.seed = seed
        self.weights = weights
    }

    public func apply(_ edit: PlanEdit, to plan: Plan) throws -> PlanEditOutcome {
        switch edit {
        case let .move(blocks, to): try move(blocks, to: to, in: plan, edit: edit.summary)
        case let .split(grid, blocks): try split(grid, blocks: blocks, in: plan, edit: edit.summary)
        case let .splitAlong(grid, line, snap): try splitAlong(grid, line: line, snap: snap, in: plan, edit: edit.summary)
        case let .merge(a, b): try merge(a, b, in: plan, edit: edit.summary)
        case let .setCount(village, n): try setCount(village, n, in: plan, edit: edit.summary)
        case .renumber(let village): try renumber(village, in: plan, edit: edit.summary)
        }
    }

    // MARK: - The edits

    func move(_ blockIDs: [String], to target: String, in plan: Plan, edit: String) throws -> PlanEditOutcome {
        try moves([(blockIDs, target)], in: plan, edit: edit)
    }

    /// Several moves of one village's blocks, in order, recorded as one edit (the planner's page
    /// sends its painted strokes so): each step is checked as `move` checks it — its blocks in
    /// the village, not already in the target, sharing an edge with the target as the blocks lie
    /// after the steps before it — and the final assignment goes through `reassign` once (locks,
    /// no grid emptied, every grid one piece, unions, the village's grid check, figures).
    public func moves(_ steps: [(blocks: [String], to: String)], in plan: Plan, edit: String) throws -> PlanEditOutcome {
        guard let first = steps.first else { throw PlanEditRefused(edit: edit, reasons: ["no move given"]) }
        let village = try villageOfGrid(first.to, in: plan, edit: edit)
        let vb = try VillageBlocks.of(plan, village: village)
        var grid = vb.grid
        for (k, step) in steps.enumerated() {
            let label = steps.count == 1 ? "" : "step \(k + 1) (\(step.blocks.count == 1 ? "block \(step.blocks[0])" : "\(step.blocks.count) blocks") to \(step.to)): "
            guard !step.blocks.isEmpty else { throw PlanEditRefused(edit: edit, reasons: [label + "no block named"]) }
            let stepVillage = try villageOfGrid(step.to, in: plan, edit: edit)
            guard stepVillage == village else {
                throw PlanEditRefused(edit: edit, reasons: [label + "\(step.to) is in village \(stepVillage), the first step's grid in \(village): one edit moves blocks within one village"])
            }
            var reasons: [String] = []
            var moving: [Int] = []
            for id in Set(step.blocks).sorted() {
                guard let n = vb.node(id) else {
                    let other = plan.blocks.features.first { Plan.blockID($0) == id }
                    reasons.append(label + (other.map { "block \(id) is in village \($0.string("village_code") ?? "?"), grid \(step.to) in village \(village): blocks move only within their village" }
                                   ?? "no block \(id) in this plan"))
                    continue
                }
                if grid[n] == step.to { reasons.append(label + "block \(id) is already in \(step.to)") } else { moving.append(n) }
            }
            if !reasons.isEmpty { throw PlanEditRefused(edit: edit, reasons: reasons) }
            let targetNodes = Set(grid.indices.filter { grid[$0] == step.to })
            let touches = moving.contains { v in vb.graph.neighbours(of: v).contains { targetNodes.contains($0) } }
            if !touches {
                throw PlanEditRefused(edit: edit, reasons: [label + "\(moving.map { vb.ids[$0] }.joined(separator: ", ")) share\(moving.count == 1 ? "s" : "") no edge with \(step.to): blocks move only to a neighbouring grid"])
            }
            for v in moving { grid[v] = step.to }
        }
        return try reassign(plan, vb, to: grid, edit: edit)
    }

    func split(_ code: String, blocks blockIDs: [String], in plan: Plan, edit: String) throws -> PlanEditOutcome {
        let village = try villageOfGrid(code, in: plan, edit: edit)
        let vb = try VillageBlocks.of(plan, village: village)
        var reasons: [String] = []
        var part: [Int] = []
        for id in Set(blockIDs).sorted() {
            if let n = vb.node(id), vb.grid[n] == code { part.append(n) } else { reasons.append("block \(id) is not in \(code)") }
        }
        if part.isEmpty && reasons.isEmpty { reasons.append("no block named") }
        if !reasons.isEmpty { throw PlanEditRefused(edit: edit, reasons: reasons) }
        if part.count == vb.nodes(of: code).count {
            throw PlanEditRefused(edit: edit, reasons: ["those are all of \(code)'s blocks: a split leaves some in \(code)"])
        }
        let newCode = try nextFreeCode(village, in: plan, edit: edit)
        var grid = vb.grid
        for v in part { grid[v] = newCode }
        return try reassign(plan, vb, to: grid, edit: edit)
    }

    func merge(_ a: String, _ b: String, in plan: Plan, edit: String) throws -> PlanEditOutcome {
        guard a != b else { throw PlanEditRefused(edit: edit, reasons: ["\(a) named twice"]) }
        let va = try villageOfGrid(a, in: plan, edit: edit), vbCode = try villageOfGrid(b, in: plan, edit: edit)
        guard va == vbCode else {
            throw PlanEditRefused(edit: edit, reasons: ["\(a) is in village \(va), \(b) in \(vbCode): only grids of one village merge"])
        }
        let vb = try VillageBlocks.of(plan, village: va)
        let nodesA = Set(vb.nodes(of: a)), nodesB = vb.nodes(of: b)
        guard nodesB.contains(where: { v in vb.graph.neighbours(of: v).contains { nodesA.contains($0) } }) else {
            throw PlanEditRefused(edit: edit, reasons: ["\(a) and \(b) share no edge: only neighbouring grids merge"])
        }
        var grid = vb.grid
        for v in nodesB { grid[v] = a }
        return try reassign(plan, vb, to: grid, retiring: [b], edit: edit)
    }

    func setCount(_ village: String, _ count: Int, in plan: Plan, edit: String) throws -> PlanEditOutcome {
        let (vb, grid) = try setCountAssignment(village, count, in: plan, edit: edit)
        return try reassign(plan, vb, to: grid, retiring: Set(vb.gridCodes.filter { !locked.contains($0) }), edit: edit)
    }

    /// `setCount`'s graph part: the village's block graph and each block's grid code after the
    /// redraw, before any geometry (the rebalance checks the balance on these numbers first).
    public func setCountAssignment(_ village: String, _ count: Int, in plan: Plan, edit: String) throws -> (vb: VillageBlocks, grid: [String]) {
        guard boundaries.villages.contains(where: { $0.code == village }) else {
            throw PlanEditRefused(edit: edit, reasons: ["no village \(village) in the district"])
        }
        let vb = try VillageBlocks.of(plan, village: village, weights: weights)
        let lockedHere = vb.gridCodes.filter { locked.contains($0) }
        let free = vb.grid.indices.filter { !locked.contains(vb.grid[$0]) }
        let k = count - lockedHere.count
        var reasons: [String] = []
        if count < 1 { reasons.append("a village needs at least 1 grid, not \(count)") }
        else if free.isEmpty && count != lockedHere.count {
            reasons.append("all its blocks are in its \(lockedHere.count) locked grid(s) (\(lockedHere.joined(separator: ", "))): it keeps \(lockedHere.count) unless they are unlocked")
        } else if k < 1 && !free.isEmpty {
            reasons.append("\(lockedHere.count) of its grids are locked (\(lockedHere.joined(separator: ", "))); with their blocks kept, the rest needs at least \(lockedHere.count + 1) grids in all")
        } else if k > free.count {
            reasons.append("\(free.count) unlocked block(s) cannot make \(k) grid(s): at most \(free.count + lockedHere.count) grids in all")
        }
        if !reasons.isEmpty { throw PlanEditRefused(edit: edit, reasons: reasons) }
        var grid = vb.grid
        if k >= 1 && !free.isEmpty {
            let sub: PartitionGraph
            do { sub = try vb.graph.induced(on: free) } catch { throw PlanEditRefused(edit: edit, reasons: ["\(error)"]) }
            let regionalizer = Regionalizer(options: .init(tolerance: tolerance))
            let region: [Int]
            do {
                region = try ComponentPartition.partition(sub, regions: k, regionalizer: regionalizer, seed: seed ^ FNV1a.hash(village)).regionOfNode
            } catch {
                throw PlanEditRefused(edit: edit, reasons: ["village \(village)\(lockedHere.isEmpty ? "" : " without its locked grids"): \(error)"])
            }
            // Codes stay where they can: each new grid takes the old code it shares most blocks
            // with (largest overlap first; ties → lower code, then lower region); the rest take
            // the village's next free codes in region order.
            var overlap: [String: [Int: Int]] = [:]
            for (i, v) in free.enumerated() { overlap[vb.grid[v], default: [:]][region[i], default: 0] += 1 }
            var pairs: [(n: Int, code: String, region: Int)] = []
            for code in overlap.keys.sorted() { for r in overlap[code]!.keys.sorted() { pairs.append((overlap[code]![r]!, code, r)) } }
            pairs.sort { ($1.n, $0.code, $0.region) < ($0.n, $1.code, $1.region) }
            var codeOf = [String?](repeating: nil, count: k)
            var used = Set<String>()
            for p in pairs where codeOf[p.region] == nil && !used.contains(p.code) {
                codeOf[p.region] = p.code
                used.insert(p.code)
            }
            var next = try nextFreeSequence(village, in: plan, edit: edit)
            for r in 0..<k where codeOf[r] == nil {
                guard next <= 999 else { throw PlanEditRefused(edit: edit, reasons: ["village \(village) has no free grid code left (…999 used)"]) }
                codeOf[r] = village + String(format: "%03d", next)
                next += 1
            }
            for (i, v) in free.enumerated() { grid[v] = codeOf[region[i]]! }
        }
        return (vb, grid)
    }

    func renumber(_ only: String?, in plan: Plan, edit: String) throws -> PlanEditOutcome {
        let villages = only.map { [$0] } ?? plan.gridsByVillage.map(\.village)
        if let only, !plan.gridsByVillage.contains(where: { $0.village == only }) {
            throw PlanEditRefused(edit: edit, reasons: ["no grid of village \(only) in this plan"])
        }
        var rename: [String: String] = [:]
        var reasons: [String] = []
        let byCode = Dictionary(plan.grids.features.map { (Plan.gridCode($0), $0) }, uniquingKeysWith: { a, _ in a })
        for (village, codes) in plan.gridsByVillage where villages.contains(village) {
            let order = codes.map { c in (c, Self.centroid(byCode[c]?.geometry)) }.sorted { a, b in
                // West → east to about a metre of longitude, then north → south, then code.
                let ka = ((a.1.x * 1e5).rounded(), -a.1.y, a.0), kb = ((b.1.x * 1e5).rounded(), -b.1.y, b.0)
                return ka < kb
            }
            for (seq, (code, _)) in order.enumerated() {
                let new = village + String(format: "%03d", seq + 1)
                guard new != code else { continue }
                if locked.contains(code) { reasons.append("\(code) is locked and would become \(new) (unlock it with `wangge plan unlock \(code)`)") }
                rename[code] = new
            }
        }
        if !reasons.isEmpty { throw PlanEditRefused(edit: edit, reasons: reasons) }
        var grids = plan.grids, blocks = plan.blocks
        let names = Dictionary(boundaries.villages.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        for (k, f) in grids.features.enumerated() {
            let old = Plan.gridCode(f)
            guard let new = rename[old] else { continue }
            grids.features[k] = Self.renamed(f, to: new, villageName: names[String(new.prefix(12))])
        }
        var moved: [(id: String, from: String, to: String)] = []
        for (k, b) in blocks.features.enumerated() {
            guard let old = b.string("grid_code"), let new = rename[old] else { continue }
            blocks.features[k].properties?.set("grid_code", .string(new))
            moved.append((Plan.blockID(b), old, new))
        }
        let renamed = rename.keys.sorted().map { ($0, rename[$0]!) }
        return PlanEditOutcome(plan: Plan(grids: grids, blocks: blocks), added: [], removed: [], changed: [],
                               renamed: renamed, blocksMoved: moved.sorted { $0.id < $1.id })
    }

    // MARK: - One village's new assignment → checked plan

    /// The plan with `vb.village`'s blocks in the grids `newGrid` names (node order), after the
    /// graph checks (locks, not empty, contiguous), the unions, and the grid check of the village.
    /// - Parameter retiring: codes the edit means to retire (a merge's second grid, a redrawn
    ///   village's codes not reused); any other grid left without blocks is a refusal.
    /// - Parameter finish: false leaves the grid check and the figures to the caller, who then
    ///   runs `finish(_:villages:codes:edit:)` once over every village it changed (the rebalance:
    ///   one check and one figure run instead of one per village).
    public func reassign(_ plan: Plan, _ vb: VillageBlocks, to newGrid: [String], retiring: Set<String> = [],
                         edit: String, finish: Bool = true) throws -> PlanEditOutcome {
        var before: [String: [Int]] = [:], after: [String: [Int]] = [:]
        for v in vb.grid.indices {
            before[vb.grid[v], default: []].append(v)
            after[newGrid[v], default: []].append(v)
        }
        let removed = before.keys.filter { after[$0] == nil }.sorted()
        let added = after.keys.filter { before[$0] == nil }.sorted()
        let changed = after.keys.filter { before[$0] != nil && before[$0] != after[$0] }.sorted()
        var reasons: [String] = []
        for code in (removed + added + changed).sorted() where locked.contains(code) {
            reasons.append("\(code) is locked (unlock it with `wangge plan unlock \(code)`)")
        }
        for code in removed where !locked.contains(code) && !retiring.contains(code) {
            reasons.append("\(code) would be left with no block (merge it instead)")
        }
        for code in (added + changed).sorted() {
            let pieces = vb.graph.pieces(of: after[code]!)
            if pieces.count > 1 {
                reasons.append("\(code) would fall into \(pieces.count) pieces: " + pieces.map { p in "[" + p.prefix(4).map { vb.ids[$0] }.joined(separator: ", ") + (p.count > 4 ? ", …" : "") + "]" }.joined(separator: " "))
            }
        }
        if !reasons.isEmpty { throw PlanEditRefused(edit: edit, reasons: reasons) }

        let ctx = GEOSContext()
        var geometry: [String: Geometry] = [:]
        for code in (added + changed).sorted() {
            let members = after[code]!
            let g: Geometry
            if members.count == 1, let only = plan.blocks.features[vb.featureIndex[members[0]]].geometry {
                g = only
            } else {
                let parts = try members.compactMap { v in try plan.blocks.features[vb.featureIndex[v]].geometry.map { try ctx.geometry(from: $0) } }
                g = try ctx.collection(of: parts).unaryUnion().value()
            }
            guard g.polygons.count == 1 else {
                throw PlanEditRefused(edit: edit, reasons: ["\(code)'s blocks dissolve into \(g.polygons.count) parts (they touch only at points)"])
            }
            geometry[code] = .polygon(g.polygons[0])
        }

        // The new grid layer: removed grids dropped, changed ones reshaped, added ones made from
        // a sibling's feature (its properties, renamed; figures recomputed below).
        let names = Dictionary(boundaries.villages.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        var features: [Feature] = []
        var template: Feature?
        for f in plan.grids.features {
            let code = Plan.gridCode(f)
            if removed.contains(code) { if template == nil { template = f }; continue }
            var out = f
            if let g = geometry[code] { out.geometry = g }
            if out.string("village_code") == vb.village, template == nil { template = f }
            features.append(out)
        }
        for code in added {
            guard let t = template else { throw PlanEditRefused(edit: edit, reasons: ["village \(vb.village) has no grid to copy properties from"]) }
            var f = Self.renamed(t, to: code, villageName: names[vb.village], newGrid: true)
            f.geometry = geometry[code]
            features.append(f)
        }
        var blocks = plan.blocks
        var moved: [(id: String, from: String, to: String)] = []
        for v in vb.grid.indices where vb.grid[v] != newGrid[v] {
            blocks.features[vb.featureIndex[v]].properties?.set("grid_code", .string(newGrid[v]))
            moved.append((vb.ids[v], vb.grid[v], newGrid[v]))
        }
        let grids = FeatureCollection(features: features, foreignMembers: plan.grids.foreignMembers)
        var out = Plan(grids: grids, blocks: blocks)
        if finish { out = try self.finish(out, villages: [vb.village], codes: Set(added + changed), edit: edit) }
        return PlanEditOutcome(plan: out, added: added, removed: removed, changed: changed, renamed: [], blocksMoved: moved)
    }

    /// The grid check of `villages` (tiling without gap or overlap, inside the village, one piece,
    /// valid) — a failure refuses the edit with every problem —, then, with layers, the figure
    /// properties of the grids in `codes` recomputed from those villages' own points.
    public func finish(_ plan: Plan, villages: Set<String>, codes: Set<String>, edit: String) throws -> Plan {
        guard !villages.isEmpty else { return plan }
        let villageGrids = FeatureCollection(features: plan.grids.features.filter { villages.contains($0.string("village_code") ?? "") })
        let report = try GridValidation().run(villageGrids, boundaries: boundaries, villages: villages)
        guard report.passed else {
            throw PlanEditRefused(edit: edit, reasons: report.problems.map { "\($0.kind.rawValue): \($0)" })
        }
        guard let layers else { return plan }
        let grids = try PlanImport.refreshFigures(plan.grids, codes: codes, blocks: plan.blocks, boundaries: boundaries,
                                                  layers: layers, villages: villages)
        return Plan(grids: grids, blocks: plan.blocks)
    }

    // MARK: - Helpers

    func villageOfGrid(_ code: String, in plan: Plan, edit: String) throws -> String {
        guard let f = plan.grids.features.first(where: { Plan.gridCode($0) == code }) else {
            throw PlanEditRefused(edit: edit, reasons: ["no grid \(code) in this plan"])
        }
        return f.string("village_code") ?? String(code.prefix(12))
    }

    /// The village's next free sequence: one past the highest in use.
    func nextFreeSequence(_ village: String, in plan: Plan, edit: String) throws -> Int {
        let used = plan.grids.features.map(Plan.gridCode).filter { $0.hasPrefix(village) && $0.count == village.count + 3 }
            .compactMap { Int($0.suffix(3)) }
        return (used.max() ?? 0) + 1
    }

    func nextFreeCode(_ village: String, in plan: Plan, edit: String) throws -> String {
        let n = try nextFreeSequence(village, in: plan, edit: edit)
        guard n <= 999 else { throw PlanEditRefused(edit: edit, reasons: ["village \(village) has no free grid code left (…999 used)"]) }
        return village + String(format: "%03d", n)
    }

    /// A grid feature under a new code: id and code; the name too when it is the generated
    /// 〈village〉第N网格 of the old code (a name a planner gave is kept), or always with `newGrid`
    /// (a new grid made from a sibling's feature must not carry the sibling's name).
    static func renamed(_ f: Feature, to code: String, villageName: String?, newGrid: Bool = false) -> Feature {
        var out = f
        if f.id != nil { out.id = .string(code) }
        out.properties?.set("code", .string(code))
        if let name = villageName, let old = f.string("name"), let seq = Int(code.suffix(3)) {
            let generated = Int(Plan.gridCode(f).suffix(3)).map { old == "\(name)第\($0)网格" } ?? false
            if newGrid || generated { out.properties?.set("name", .string("\(name)第\(seq)网格")) }
        }
        return out
    }

    /// Area-weighted centroid of the outer rings (lon/lat; for ordering only).
    static func centroid(_ g: Geometry?) -> Coordinate {
        var a = 0.0, cx = 0.0, cy = 0.0
        for p in g?.polygons ?? [] {
            let r = p.exterior
            guard r.count > 2 else { continue }
            for k in 1..<r.count {
                let c = r[k - 1].x * r[k].y - r[k].x * r[k - 1].y
                a += c; cx += (r[k - 1].x + r[k].x) * c; cy += (r[k - 1].y + r[k].y) * c
            }
        }
        guard a != 0 else { return g?.polygons.first?.exterior.first ?? Coordinate(0, 0) }
        return Coordinate(cx / (3 * a), cy / (3 * a))
    }
}
