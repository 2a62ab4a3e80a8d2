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

    /// Every grid's figures, recomputed.
    public static func report(_ plan: Plan, boundaries: DistrictBoundaries, layers: DistrictLayers,
                              model: WorkloadModel = .standard) throws -> WorkloadReport {
        WorkloadReport(figures: try WorkloadCalculator.figures(grids: plan.grids, boundaries: boundaries, layers: layers, model: model), model: model)
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
}
