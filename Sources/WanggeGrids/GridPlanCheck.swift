import WanggeDistrict
import WanggeGeoJSON

extension GridPlan {
    /// `wangge validate`'s checks (`GridValidation`) on the grids exactly as `GridPlanWriter`
    /// writes them — WGS-84, fitted to the village outlines, rounded to 7 decimals — against
    /// `boundaries`: codes, each grid valid and in one piece, the grids of each village tiling it
    /// with no gap or overlap above `tolerance` m², every village with a grid.
    public func validation(against boundaries: DistrictBoundaries, tolerance: Double = 1) throws -> GridValidationReport {
        try GridValidation(tolerance: tolerance).run(GridPlanWriter().gridsCollection(self), boundaries: boundaries)
    }

    /// Throws `GridPlanError.invalidPlan` listing every problem `validation(against:)` finds
    /// (grid or village code, what is wrong, where in WGS-84). A partition calls it on its own
    /// result before writing, so it never reports success on a plan `wangge validate` rejects.
    public func checkValid(against boundaries: DistrictBoundaries, tolerance: Double = 1) throws {
        try checkValid(GridPlanWriter().gridsCollection(self), against: boundaries, tolerance: tolerance)
    }

    /// `checkValid(against:)` on this plan's grids as already projected (`GridPlanWriter.gridsCollection`).
    public func checkValid(_ grids: FeatureCollection, against boundaries: DistrictBoundaries, tolerance: Double = 1) throws {
        let report = try GridValidation(tolerance: tolerance).run(grids, boundaries: boundaries)
        guard report.passed else { throw GridPlanError.invalidPlan(problems: report.problems) }
    }
}
