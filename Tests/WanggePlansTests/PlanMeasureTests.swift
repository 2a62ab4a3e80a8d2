import Foundation
import Testing
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggePlans
import WanggeWorkload

/// The import's index and figures of its new grids stand in for the diff's and the summary's own:
/// only for those grids, and giving what they would have built.
@Suite(.serialized) struct PlanMeasureTests {
    @Test func theImportsMeasureServesItsPlanAndGivesTheDiffAndSummaryTheyWouldBuild() throws {
        // Two neighbouring grids of a village merged in "QGIS".
        let (edited, a, b) = try PlanImportTests.mergedNeighbours()
        let o = try PlanImport().run(grids: edited, file: "merged.geojson", current: Bundled.plan, boundaries: Bundled.boundaries, layers: Bundled.layers)
        let crs = Bundled.boundaries.profile.metricCRS

        // The figures were written into the grids since the index was built: it still serves them.
        #expect(o.plan.grids != edited)
        #expect(o.measured.locator(for: o.plan.grids, metricCRS: crs) != nil)
        #expect(o.measured.locator(for: Bundled.plan.grids, metricCRS: crs) == nil)
        #expect(o.measured.figures(for: o.plan.grids, metricCRS: .epsg(4544), model: .standard) == nil)
        let figures = try #require(o.measured.figures(for: o.plan.grids, metricCRS: crs, model: .standard))
        #expect(figures == (try WorkloadCalculator.figures(grids: o.plan.grids, boundaries: Bundled.boundaries, layers: Bundled.layers)))

        let measured = try PlanDiff.compute(Bundled.plan, o.plan, boundaries: Bundled.boundaries, layers: Bundled.layers, after: o.measured)
        let built = try PlanDiff.compute(Bundled.plan, o.plan, boundaries: Bundled.boundaries, layers: Bundled.layers)
        #expect(measured.json(before: "1", after: "2") == built.json(before: "1", after: "2"))
        #expect(measured.removed == [Plan.gridCode(b)] && measured.changed.map(\.code) == [Plan.gridCode(a)])
        // Given another plan, the measure is not used: the diff is that plan's own.
        let other = try PlanDiff.compute(o.plan, Bundled.plan, boundaries: Bundled.boundaries, layers: Bundled.layers, after: o.measured)
        #expect(other.json(before: "2", after: "1") == (try PlanDiff.compute(o.plan, Bundled.plan, boundaries: Bundled.boundaries, layers: Bundled.layers)).json(before: "2", after: "1"))

        let codes = o.plan.grids.features.map(Plan.gridCode)
        let summary = try PlanSummary.report(o.plan, boundaries: Bundled.boundaries, layers: Bundled.layers, measured: o.measured)
        let fresh = try PlanSummary.report(o.plan, boundaries: Bundled.boundaries, layers: Bundled.layers)
        #expect(PlanSummary.gridLines(summary, codes: codes) == PlanSummary.gridLines(fresh, codes: codes))
    }
}
