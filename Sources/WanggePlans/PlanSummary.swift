// What `plan show` and `plan import` print: the version, the plan's counts, and its figures
// recomputed from geometry by the workload model (never read from the layers' properties).
import Foundation
import WanggeDistrict
import WanggeGeoJSON
import WanggeStore
import WanggeWorkload

public enum PlanSummary {
    /// One history row as `plan log` prints it.
    public static func logLine(_ r: PlanVersionRecord, current: Bool) -> String {
        let parent = r.parent.map { " (from \($0))" } ?? ""
        return "\(current ? "*" : " ") \(r.version)\(parent)  \(r.created)  \(r.author)  \(r.action)  \(r.grids) grids, \(r.blocks) blocks  \(r.message)"
    }

    /// The version's header and counts.
    public static func header(_ r: PlanVersionRecord, _ plan: Plan) -> String {
        """
        version \(r.version)\(r.parent.map { " (parent \($0))" } ?? "") — \(r.action) by \(r.author) at \(r.created)
          \(r.message)
          \(plan.grids.features.count) grids in \(plan.gridsByVillage.count) villages/communities, \(plan.blocks.features.count) blocks; content \(r.contentHash)

        """
    }

    /// Every grid's figures, recomputed (with `villages`, only those villages' grids, from their
    /// own addresses and incidents — the same figures for them, less work).
    /// - Parameter measured: the plan's grids as already measured from the same boundaries and
    ///   layers (`PlanImport.Outcome.measured`); used for the whole plan when it serves its grids.
    public static func report(_ plan: Plan, boundaries: DistrictBoundaries, layers: DistrictLayers, villages: Set<String>? = nil,
                              model: WorkloadModel = .standard, measured: PlanMeasure? = nil) throws -> WorkloadReport {
        if villages == nil, let figures = measured?.figures(for: plan.grids, metricCRS: boundaries.profile.metricCRS, model: model) {
            return WorkloadReport(figures: figures, model: model)
        }
        var grids = plan.grids, points = layers
        if let villages {
            grids.features = grids.features.filter { villages.contains($0.string("village_code") ?? String(Plan.gridCode($0).prefix(12))) }
            points.addresses = layers.addresses.filter { villages.contains($0.villageCode) }
            points.incidents = layers.incidents.filter { villages.contains($0.villageCode) }
        }
        return WorkloadReport(figures: try WorkloadCalculator.figures(grids: grids, boundaries: boundaries, layers: points, model: model), model: model)
    }

    /// The current locks, one line each.
    public static func lockLines(_ locks: [PlanLockRecord]) -> String {
        "locked grids (\(locks.count)):\n" + locks.map { "  \($0.gridCode)  since version \($0.version), \($0.author) at \($0.created)\n" }.joined()
    }

    /// What an edit recorded: the version, grids added/removed/changed/renamed, blocks moved.
    public static func editLines(_ o: PlanEditOutcome, before: PlanVersionRecord, after: PlanVersionRecord) -> String {
        var out = "recorded version \(after.version) (parent \(before.version)): \(after.message)\n"
        out += "  \(o.added.count) grid(s) added, \(o.removed.count) removed, \(o.changed.count) reshaped, \(o.renamed.count) renamed; \(o.blocksMoved.count) block(s) change grid\n"
        if !o.added.isEmpty { out += "  added: \(o.added.joined(separator: ", "))\n" }
        if !o.removed.isEmpty { out += "  removed: \(o.removed.joined(separator: ", "))\n" }
        if !o.changed.isEmpty { out += "  reshaped: \(o.changed.joined(separator: ", "))\n" }
        for r in o.renamed.prefix(20) { out += "  renamed: \(r.from) → \(r.to)\n" }
        if o.renamed.count > 20 { out += "  … and \(o.renamed.count - 20) more renamed\n" }
        if let cut = o.cut {
            out += String(format: "  new grid boundary %.0f m: %.0f m along block edges, %.0f m drawn across blocks\n",
                          cut.alongBlockEdges + cut.drawn, cut.alongBlockEdges, cut.drawn)
            for p in cut.pieces.prefix(20) { out += "  block \(p.parent) cut into \(p.pieces.joined(separator: ", "))\n" }
            if cut.pieces.count > 20 { out += "  … and \(cut.pieces.count - 20) more blocks cut\n" }
        }
        if o.renamed.isEmpty {
            for m in o.blocksMoved.prefix(20) { out += "  block \(m.id): \(m.from) → \(m.to)\n" }
            if o.blocksMoved.count > 20 { out += "  … and \(o.blocksMoved.count - 20) more blocks\n" }
        }
        return out
    }

    /// Lines for some grids: code, hours, households, residents, addresses, incidents, area.
    public static func gridLines(_ report: WorkloadReport, codes: [String]) -> String {
        let wanted = Set(codes)
        return report.grids.filter { wanted.contains($0.figures.code) }.map { g in
            let f = g.figures
            return String(format: "  %@ %@  %.1f h/week, %d households, %d residents, %d addresses, %d incidents, %.3f km²",
                          f.code, f.village, g.total, f.households, f.residents, f.records, f.incidentCount, f.areaKm2)
        }.joined(separator: "\n") + (wanted.isEmpty ? "" : "\n")
    }

    /// The rebalance report: the villages that were or stay out of tolerance, the moves, and the
    /// disruption.
    public static func rebalanceLines(_ o: PlanRebalance.Outcome, tolerance: Double) -> String {
        var out = String(format: "rebalance within ±%g%% of each village's mean: %d grid(s) out of tolerance before, %d after\n",
                         tolerance * 100, o.gridsOutBefore, o.gridsOutAfter)
        for v in o.villages {
            let how = v.redrawnInto.map { ", redrawn into \($0) grid(s) (moves alone could not)" } ?? ""
            out += String(format: "  %@ %@  mean %.1f h, %d block(s) moved%@\n", v.code, v.name, v.mean, v.moves, how)
            for g in v.grids where v.outBefore.contains(g.code) || v.outAfter.contains(g.code) || g.before != g.after {
                let dev = { (h: Double) in v.mean > 0 ? (h - v.mean) / v.mean * 100 : 0 }
                out += String(format: "    %@  %.1f h (%+.1f%%) → %.1f h (%+.1f%%)%@\n", g.code, g.before, dev(g.before), g.after, dev(g.after),
                              v.outAfter.contains(g.code) ? "  still out" : "")
            }
            if let reason = v.reason { out += "    not within tolerance: \(reason)\n" }
        }
        if !o.transfers.isEmpty {
            out += "grids moved between villages (one grid, one worker each; the district's total unchanged):\n"
            for t in o.transfers {
                out += String(format: "  %@ %@ (%d → %d grids, mean %.1f → %.1f h) gives one to %@ %@ (%d → %d grids, mean %.1f → %.1f h); township mean grid %.1f h — %@\n",
                              t.from, t.fromName, t.fromGrids.before, t.fromGrids.after, t.fromMean.before, t.fromMean.after,
                              t.to, t.toName, t.toGrids.before, t.toGrids.after, t.toMean.before, t.toMean.after, t.townshipMean, t.why)
                out += "    \(t.blocks) block(s), \(t.addresses) address(es), \(t.households) household(s), \(t.incidents) incident(s) change grid\n"
            }
        }
        if !o.moves.isEmpty {
            out += "moves:\n"
            for m in o.moves.prefix(50) { out += "  block \(m.block): \(m.from) → \(m.to)\n" }
            if o.moves.count > 50 { out += "  … and \(o.moves.count - 50) more\n" }
        }
        out += String(format: "disruption: %d block(s), %d address(es) (%.2f%% of %d), %d household(s), %d incident(s) change grid\n",
                      o.blocks, o.addresses, o.totalAddresses > 0 ? Double(o.addresses) / Double(o.totalAddresses) * 100 : 0,
                      o.totalAddresses, o.households, o.incidents)
        return out
    }
}
