import Foundation
import WanggeIO

/// The terminal summary of a plan: per township, then overall.
public enum PlanTable {
    public static func render(_ plan: GridPlan) -> String {
        var rows: [[String]] = []
        let townships = plan.villages.map(\.township).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for t in townships {
            let vs = plan.villages.filter { $0.township == t }
            let grids = plan.grids.filter { $0.township == t }
            let several = vs.filter { $0.grids > 1 }
            rows.append([t, String(vs.count), String(grids.count),
                         String(grids.reduce(0) { $0 + $1.figures.households }),
                         several.isEmpty ? "-" : String(format: "%.3f", several.map(\.maxOverMean).max()!),
                         several.isEmpty ? "-" : String(format: "%.3f", several.reduce(0) { $0 + $1.coefficientOfVariation } / Double(several.count)),
                         String(format: "%.3f", grids.reduce(0) { $0 + $1.polsbyPopper } / Double(max(grids.count, 1))),
                         "\(several.filter(\.balanced).count)/\(several.count)"])
        }
        let s = GridPlanSummary(plan)
        rows.append(["total", String(plan.villages.count), String(plan.grids.count),
                     String(plan.grids.reduce(0) { $0 + $1.figures.households }),
                     String(format: "%.3f", s.maxOverMean), String(format: "%.3f", s.coefficientOfVariation),
                     String(format: "%.3f", s.meanPolsbyPopper), "\(s.balancedVillages)/\(s.villagesWithSeveralGrids)"])
        var text = TextTable(header: ["township", "villages", "grids", "households", "max/mean", "CV", "Polsby–Popper", "balanced"],
                         rows: rows).render()
        text += String(format: "\ngrids within ±%.0f%% of their village mean: %d of %d", plan.tolerance * 100, s.gridsWithinTolerance, plan.grids.count)
        text += String(format: "\ninternal grid boundary on streets, rivers, ridges, area or courtyard edges: %.1f%% (%.3f%% of what is not a straight cut)",
                       plan.naturalShare * 100, plan.naturalShareOutsideRefinements * 100)
        let refined = plan.villages.filter { $0.refinements > 0 }
        if !refined.isEmpty {
            let straight = refined.reduce(0) { $0 + $1.straightCuts }, all = refined.reduce(0) { $0 + $1.refinements }
            text += "\nblocks refined in \(refined.count) villages, \(all - straight) along courtyard edges, \(straight) by a straight cut: "
                + refined.map { "\($0.name) (\($0.refinements)\($0.straightCuts > 0 ? ", \($0.straightCuts) straight" : ""))" }
                    .joined(separator: ", ")
        }
        for v in plan.villages where !v.balanced {
            text += "\nnot balanced: \(v.code) \(v.name): \(v.note ?? "")"
        }
        return text
    }
}
