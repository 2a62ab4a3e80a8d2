import Foundation
import Testing
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggePartition
import WanggePlans
import WanggeStore

/// The planner's edits on the bundled plan: each result is checked as a plan (the district's grid
/// check, blocks and grids agreeing), each refusal names its reason, and nothing outside the
/// edited village changes.
@Suite(.serialized) struct PlanEditTests {
    static var editor: PlanEditor { PlanEditor(boundaries: Bundled.boundaries, layers: Bundled.layers) }

    /// A block on the border of two grids of one village that its grid can give away and stay in
    /// one piece (its grid has more than one block).
    static func movableBlock() throws -> (vb: VillageBlocks, node: Int, from: String, to: String) {
        for (village, codes) in Bundled.plan.gridsByVillage where codes.count >= 2 {
            let vb = try VillageBlocks.of(Bundled.plan, village: village)
            for v in vb.ids.indices {
                let from = vb.grid[v]
                let rest = vb.nodes(of: from).filter { $0 != v }
                guard !rest.isEmpty, vb.graph.isConnected(rest) else { continue }
                if let u = vb.graph.neighbours(of: v).first(where: { vb.grid[$0] != from }) { return (vb, v, from, vb.grid[u]) }
            }
        }
        throw PlanError(kind: .badArgument, file: "test", message: "no movable block in the bundled plan")
    }

    /// Grid code → its block ids, from a plan's block layer.
    static func blocksByGrid(_ plan: Plan) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for b in plan.blocks.features { out[b.string("grid_code")!, default: []].append(Plan.blockID(b)) }
        return out.mapValues { $0.sorted() }
    }

    /// The district's grid check on the whole plan, and every grid exactly the union of its blocks
    /// (area equal to the sum of its blocks' within 1 m², in the metric CRS).
    static func expectValidPlan(_ plan: Plan, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let report = try GridValidation().run(plan.grids, boundaries: Bundled.boundaries)
        #expect(report.passed, "\(report.problems.prefix(5))", sourceLocation: sourceLocation)
        let toMetric = try PROJTransformer(from: .wgs84, to: Bundled.boundaries.profile.metricCRS)
        func area(_ g: Geometry) throws -> Double { try toMetric.transform(g).polygons.reduce(0) { $0 + $1.planarArea } }
        var blockArea: [String: Double] = [:]
        for b in plan.blocks.features { blockArea[b.string("grid_code")!, default: 0] += try area(b.geometry!) }
        for g in plan.grids.features {
            let code = Plan.gridCode(g)
            #expect(abs(try area(g.geometry!) - (blockArea[code] ?? 0)) < 1, "\(code)", sourceLocation: sourceLocation)
        }
        #expect(Set(blockArea.keys) == Set(plan.grids.features.map(Plan.gridCode)), sourceLocation: sourceLocation)
    }

    /// Grids of other villages than `village` are the same features, byte for byte.
    static func expectOnlyVillageChanged(_ before: Plan, _ after: Plan, village: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let others = { (p: Plan) in p.grids.features.filter { $0.string("village_code") != village } }
        #expect(others(before) == others(after), sourceLocation: sourceLocation)
        let otherBlocks = { (p: Plan) in p.blocks.features.filter { $0.string("village_code") != village } }
        #expect(otherBlocks(before) == otherBlocks(after), sourceLocation: sourceLocation)
    }

    @Test func theBlockGraphHasExactlyTheSharedEdgesGEOSFinds() throws {
        // Oracle: GEOS, the shared boundary of every pair of blocks of a village in metres.
        let ctx = GEOSContext()
        let toMetric = try PROJTransformer(from: .wgs84, to: Bundled.boundaries.profile.metricCRS)
        var checkedPairs = 0
        for (village, _) in Bundled.plan.gridsByVillage {
            let vb = try VillageBlocks.of(Bundled.plan, village: village)
            let metric = try vb.featureIndex.map { try toMetric.transform(Bundled.plan.blocks.features[$0].geometry!) }
            let envelopes = metric.map { $0.envelope! }
            let rings = try metric.map { try ctx.geometry(from: .multiLineString($0.polygons.flatMap(\.rings))) }
            for a in vb.ids.indices {
                for b in (a + 1)..<vb.ids.count where envelopes[a].intersects(envelopes[b]) {
                    let shared = try rings[a].intersection(rings[b]).length()
                    checkedPairs += 1
                    if shared > 0.01 {
                        let ours = vb.graph.sharedLength(a, b)
                        #expect(ours != nil, "\(vb.ids[a])–\(vb.ids[b]) share \(shared) m")
                        if let ours { #expect(abs(ours - shared) < max(0.5, 0.01 * shared), "\(vb.ids[a])–\(vb.ids[b])") }
                    } else {
                        #expect(vb.graph.sharedLength(a, b) == nil, "\(vb.ids[a])–\(vb.ids[b]) share only \(shared) m")
                    }
                }
            }
            // Every grid of the plan is one piece of its village's graph.
            for code in vb.gridCodes { #expect(vb.graph.isConnected(vb.nodes(of: code)), "\(code)") }
        }
        #expect(checkedPairs > 2000)
    }

    @Test func movingABorderBlockReshapesBothGridsAndNothingElse() throws {
        let (vb, v, from, to) = try Self.movableBlock()
        let id = vb.ids[v]
        let r = try Self.editor.apply(.move(blocks: [id], to: to), to: Bundled.plan)
        #expect(r.changed == [from, to].sorted() && r.added.isEmpty && r.removed.isEmpty)
        #expect(r.blocksMoved.count == 1 && r.blocksMoved[0].id == id && r.blocksMoved[0].to == to)
        let before = Self.blocksByGrid(Bundled.plan), after = Self.blocksByGrid(r.plan)
        #expect(after[to] == (before[to]! + [id]).sorted())
        #expect(after[from] == before[from]!.filter { $0 != id })
        try Self.expectValidPlan(r.plan)
        Self.expectOnlyVillageChanged(Bundled.plan, r.plan, village: vb.village)
        // Figures recomputed: households move with the block, the village's total is kept, and
        // each grid's block count is its blocks.
        func prop(_ p: Plan, _ code: String, _ key: String) -> Int { p.grids.features.first { Plan.gridCode($0) == code }!.int(key)! }
        #expect(prop(r.plan, from, "households") + prop(r.plan, to, "households") == prop(Bundled.plan, from, "households") + prop(Bundled.plan, to, "households"))
        #expect(prop(r.plan, to, "blocks") == after[to]!.count && prop(r.plan, from, "blocks") == after[from]!.count)
        // Moving it back gives the original block assignment.
        let back = try Self.editor.apply(.move(blocks: [id], to: from), to: r.plan)
        #expect(Self.blocksByGrid(back.plan) == before)
    }

    /// Moves given in order (the planner's page saves its strokes so) are checked step by step
    /// — a block may reach the target through one moved before it — and give the same plan as the
    /// CLI's one move of the same blocks; out of order, the step is refused by name; moves that
    /// end where they began record nothing.
    @Test func movesInOrderAreCheckedStepByStepAndRecordedAsOneVersion() throws {
        var chain: (village: String, first: String, second: String, from: String, to: String)?
        search: for (village, codes) in Bundled.plan.gridsByVillage where codes.count >= 2 {
            let vb = try VillageBlocks.of(Bundled.plan, village: village)
            for a in vb.ids.indices {
                let from = vb.grid[a]
                guard let to = vb.graph.neighbours(of: a).map({ vb.grid[$0] }).filter({ $0 != from }).sorted().first else { continue }
                for b in vb.graph.neighbours(of: a) where vb.grid[b] == from && !vb.graph.neighbours(of: b).contains(where: { vb.grid[$0] == to }) {
                    let rest = vb.nodes(of: from).filter { $0 != a && $0 != b }
                    guard !rest.isEmpty, vb.graph.isConnected(rest), vb.graph.isConnected(vb.nodes(of: from).filter { $0 != a }) else { continue }
                    chain = (village, vb.ids[a], vb.ids[b], from, to)
                    break search
                }
            }
        }
        let c = try #require(chain, "no chain of two blocks in the bundled plan")
        let stepped = try Self.editor.moves([([c.first], c.to), ([c.second], c.to)], in: Bundled.plan, edit: "two steps")
        let once = try Self.editor.apply(.move(blocks: [c.first, c.second], to: c.to), to: Bundled.plan)
        #expect(stepped.plan == once.plan)
        #expect(stepped.blocksMoved.map(\.id).sorted() == [c.first, c.second].sorted() && stepped.changed == [c.from, c.to].sorted())
        try Self.expectValidPlan(stepped.plan)
        Self.expectOnlyVillageChanged(Bundled.plan, stepped.plan, village: c.village)
        #expect(throws: PlanEditRefused.self) { try Self.editor.moves([([c.second], c.to), ([c.first], c.to)], in: Bundled.plan, edit: "reversed") }
        do { _ = try Self.editor.moves([([c.second], c.to), ([c.first], c.to)], in: Bundled.plan, edit: "reversed") } catch let e as PlanEditRefused {
            #expect(e.reasons == ["step 1 (block \(c.second) to \(c.to)): \(c.second) shares no edge with \(c.to): blocks move only to a neighbouring grid"])
        }
        // Through the store: there and back again records nothing; both steps are one version.
        let book = try Bundled.store("moves-in-order")
        #expect(throws: PlanEditRefused.self) {
            try book.move([([c.first], c.to), ([c.first], c.from)], boundaries: Bundled.boundaries, layers: Bundled.layers, stamp: Bundled.stamp("", 1))
        }
        #expect(try book.log().count == 1)
        let r = try book.move([([c.first], c.to), ([c.second], c.to)], boundaries: Bundled.boundaries, layers: Bundled.layers, stamp: Bundled.stamp("", 2))
        #expect(r.after.version == 2 && r.after.action == "move" && r.after.message == "2 moves (2 block moves) to \(c.to)")
        #expect(try book.plan().1 == Plan.decode(stepped.plan.content(), store: "as stored"))
    }

    @Test func movesThatBreakAPlanAreRefusedWithTheirReasons() throws {
        let (vb, v, from, to) = try Self.movableBlock()
        func reasons(_ edit: PlanEdit, locked: Set<String> = []) -> [String] {
            var e = Self.editor
            e.locked = locked
            do { _ = try e.apply(edit, to: Bundled.plan); return [] } catch let r as PlanEditRefused { return r.reasons } catch { return ["\(error)"] }
        }
        // Locked donor or target.
        #expect(reasons(.move(blocks: [vb.ids[v]], to: to), locked: [from]).contains { $0.contains("\(from) is locked") })
        #expect(reasons(.move(blocks: [vb.ids[v]], to: to), locked: [to]).contains { $0.contains("\(to) is locked") })
        // A grid of the village that shares no edge with the block, if there is one.
        let touching = Set(vb.graph.neighbours(of: v).map { vb.grid[$0] })
        if let far = vb.gridCodes.first(where: { !touching.contains($0) && $0 != from }) {
            #expect(reasons(.move(blocks: [vb.ids[v]], to: far)).contains { $0.contains("no edge with \(far)") })
        }
        // A block of another village.
        let other = Bundled.plan.blocks.features.first { $0.string("village_code") != vb.village }!
        #expect(reasons(.move(blocks: [Plan.blockID(other)], to: to)).contains { $0.contains("only within their village") })
        // Every block of a grid: the donor would be empty.
        let all = vb.nodes(of: from).map { vb.ids[$0] }
        #expect(reasons(.move(blocks: all, to: to)).contains { $0.contains("\(from) would be left with no block") })
        // A block whose removal cuts its grid in two (an articulation block), anywhere in the plan.
        var cut: (String, String)?
        search: for (village, codes) in Bundled.plan.gridsByVillage where codes.count >= 2 {
            let g = try VillageBlocks.of(Bundled.plan, village: village)
            for u in g.ids.indices {
                let rest = g.nodes(of: g.grid[u]).filter { $0 != u }
                if rest.count >= 2, !g.graph.isConnected(rest), let n = g.graph.neighbours(of: u).first(where: { g.grid[$0] != g.grid[u] }) {
                    cut = (g.ids[u], g.grid[n]); break search
                }
            }
        }
        let (cutBlock, cutTo) = try #require(cut)
        #expect(reasons(.move(blocks: [cutBlock], to: cutTo)).contains { $0.contains("would fall into 2 pieces") || $0.contains("pieces") })
        #expect(reasons(.move(blocks: ["no-such-block"], to: to)).contains { $0.contains("no block no-such-block") })
        #expect(reasons(.move(blocks: [vb.ids[v]], to: "511111999999001")).contains { $0.contains("no grid 511111999999001") })
    }

    @Test func splitTakesTheNextFreeCodeAndMergeBringsTheBlocksBack() throws {
        let (vb, v, from, _) = try Self.movableBlock()
        let village = vb.village
        let codes = Bundled.plan.gridsByVillage.first { $0.village == village }!.grids
        let expectedCode = village + String(format: "%03d", codes.compactMap { Int($0.suffix(3)) }.max()! + 1)
        let s = try Self.editor.apply(.split(grid: from, blocks: [vb.ids[v]]), to: Bundled.plan)
        #expect(s.added == [expectedCode] && s.changed == [from])
        #expect(Self.blocksByGrid(s.plan)[expectedCode] == [vb.ids[v]])
        let newGrid = s.plan.grids.features.first { Plan.gridCode($0) == expectedCode }!
        #expect(newGrid.string("village_code") == village && newGrid.id?.text == expectedCode)
        #expect(newGrid.int("blocks") == 1)
        try Self.expectValidPlan(s.plan)
        Self.expectOnlyVillageChanged(Bundled.plan, s.plan, village: village)

        let m = try Self.editor.apply(.merge(into: from, from: expectedCode), to: s.plan)
        #expect(m.removed == [expectedCode] && m.changed == [from])
        #expect(Self.blocksByGrid(m.plan) == Self.blocksByGrid(Bundled.plan))
        try Self.expectValidPlan(m.plan)

        // Refusals: all of a grid's blocks; grids of two villages; grids with no shared edge.
        #expect(throws: PlanEditRefused.self) { try Self.editor.apply(.split(grid: from, blocks: vb.nodes(of: from).map { vb.ids[$0] }), to: Bundled.plan) }
        let otherVillage = Bundled.plan.gridsByVillage.first { $0.village != village }!.grids[0]
        do {
            _ = try Self.editor.apply(.merge(into: from, from: otherVillage), to: Bundled.plan)
            Issue.record("merging grids of two villages was accepted")
        } catch let r as PlanEditRefused { #expect(r.reasons.joined().contains("only grids of one village merge")) }
    }

    @Test func setCountRedrawsOnlyThatVillageAndKeepsItsLockedGrid() throws {
        // A village with at least 3 grids and enough blocks for one more.
        let (village, codes) = try #require(Bundled.plan.gridsByVillage.first { v in
            v.grids.count >= 3 && ((try? VillageBlocks.of(Bundled.plan, village: v.village).ids.count) ?? 0) >= v.grids.count + 4
        })
        let lockedCode = codes[0]
        var editor = Self.editor
        editor.locked = [lockedCode]
        let r = try editor.apply(.setCount(village: village, count: codes.count + 1), to: Bundled.plan)
        let after = r.plan.gridsByVillage.first { $0.village == village }!.grids
        #expect(after.count == codes.count + 1)
        try Self.expectValidPlan(r.plan)
        Self.expectOnlyVillageChanged(Bundled.plan, r.plan, village: village)
        // The locked grid: same feature, same blocks.
        let feature = { (p: Plan) in p.grids.features.first { Plan.gridCode($0) == lockedCode } }
        #expect(feature(r.plan) == feature(Bundled.plan))
        #expect(Self.blocksByGrid(r.plan)[lockedCode] == Self.blocksByGrid(Bundled.plan)[lockedCode])
        // Codes stay stable: the old codes are all still there, one new code after them.
        #expect(Set(codes).isSubset(of: Set(after)))
        // Every grid of the village is one piece of its block graph.
        let vb = try VillageBlocks.of(r.plan, village: village)
        for code in vb.gridCodes { #expect(vb.graph.isConnected(vb.nodes(of: code))) }
        // Fewer grids than locked + 1 is refused with the reason.
        editor.locked = Set(codes)
        do {
            _ = try editor.apply(.setCount(village: village, count: 2), to: Bundled.plan)
            Issue.record("accepted")
        } catch let e as PlanEditRefused { #expect(e.reasons.joined().contains("locked")) }
    }

    @Test func renumberOrdersWestToEastAndRewritesTheBlocks() throws {
        let (vb, v, from, _) = try Self.movableBlock()
        let s = try Self.editor.apply(.split(grid: from, blocks: [vb.ids[v]]), to: Bundled.plan)
        let r = try Self.editor.apply(.renumber(village: vb.village), to: s.plan)
        let codes = r.plan.gridsByVillage.first { $0.village == vb.village }!.grids
        #expect(codes == (1...codes.count).map { vb.village + String(format: "%03d", $0) })
        // West → east: GEOS's centroids, in order of code, never step west by more than ~1 m.
        let ctx = GEOSContext()
        let lon = try codes.map { c in
            try ctx.geometry(from: r.plan.grids.features.first { Plan.gridCode($0) == c }!.geometry!).centroid().pointCoordinate()!.x
        }
        #expect(lon.count >= 2)
        for k in lon.indices.dropFirst() { #expect(lon[k] >= lon[k - 1] - 2e-5, "\(codes[k - 1]) → \(codes[k])") }
        // Blocks follow their grid: the same partition of blocks under new names.
        let before = Set(Self.blocksByGrid(s.plan).values), after = Set(Self.blocksByGrid(r.plan).values)
        #expect(before == after)
        try Self.expectValidPlan(r.plan)
        // Renumbering a plan already in order changes nothing.
        let again = try Self.editor.apply(.renumber(village: vb.village), to: r.plan)
        #expect(again.renamed.isEmpty && again.plan == r.plan)
    }

    @Test func locksAreRecordedInTheStoreAndEveryEditRefusesThem() throws {
        let book = try Bundled.store("locks")
        let (vb, v, from, to) = try Self.movableBlock()
        let l = try book.setLocked([from], locked: true, stamp: Bundled.stamp("", 1))
        let firstHash = try book.log()[0].contentHash
        #expect(l.version == 2 && l.action == "lock" && l.contentHash == firstHash)
        #expect(try book.locks().map(\.gridCode) == [from])
        #expect(throws: PlanEditRefused.self) { try book.setLocked([from], locked: true, stamp: Bundled.stamp("", 2)) }
        do {
            _ = try book.edit(.move(blocks: [vb.ids[v]], to: to), boundaries: Bundled.boundaries, layers: Bundled.layers, stamp: Bundled.stamp("", 2))
            Issue.record("an edit of a locked grid was accepted")
        } catch let e as PlanEditRefused { #expect(e.reasons.contains { $0.contains("\(from) is locked") }) }
        #expect(try book.log().count == 2)
        // Undo of a lock change is refused (unlock undoes it).
        #expect(throws: PlanEditRefused.self) { try book.undo(stamp: Bundled.stamp("", 3)) }
        try book.setLocked([from], locked: false, stamp: Bundled.stamp("", 3))
        #expect(try book.locks().isEmpty)
        let e = try book.edit(.move(blocks: [vb.ids[v]], to: to), boundaries: Bundled.boundaries, layers: Bundled.layers, stamp: Bundled.stamp("", 4))
        #expect(e.after.version == 4 && e.after.action == "move" && e.after.message == "move block \(vb.ids[v]) to \(to)")
        // Undo: the parent's plan again, as version 5.
        let u = try book.undo(stamp: Bundled.stamp("", 5))
        #expect(u.after.version == 5 && u.to == 3 && u.after.action == "undo")
        #expect(u.after.contentHash == firstHash)
        // The layers are the current plan's.
        let summary = try book.store.layerSummary()
        #expect(summary.map(\.features) == [Bundled.plan.grids.features.count, Bundled.plan.blocks.features.count])
    }
}
