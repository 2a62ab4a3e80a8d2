import Testing
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeGrids

/// The grids a partition writes share their village's coordinates exactly, so the validation
/// decides most villages edge for edge (`CoverageCheck.tilesExactly`) without an overlay; the
/// rest — where a cut ends on the outline between two of its vertices, or a refinement cut on
/// one side of a shared edge only (a vertex rounded to 7 decimals, not exactly on the line) —
/// are decided by the overlays, which find nothing there either.
@Suite struct ExactTilingOfPlanTests {
    @Test func everyVillageOfTheBundledPlanTilesEdgeForEdge() throws {
        let (district, _) = GridPlannerTests.bundled
        let grids = try GridPlanWriter().gridsCollection(GridPlannerTests.plan)
        let toMetric = try CoordinateTransform(from: .wgs84, to: district.profile.metricCRS)
        let byVillage = Dictionary(grouping: grids.features, by: { $0.string("village_code") ?? "" })
        var exact = 0
        for village in district.villages {
            let parent = try toMetric.transform(village.geometry)
            let members = try (byVillage[village.code] ?? []).map { try toMetric.transform($0.geometry!) }
            if CoverageCheck.tilesExactly(parent: parent, members: members) {
                exact += 1
            } else {
                let issues = try CoverageCheck().check(parent: CoverageMember(id: village.code, geometry: parent),
                                                       members: members.enumerated().map { CoverageMember(id: "\($0.offset)", geometry: $0.element) })
                #expect(issues.isEmpty, "\(village.code) \(village.name): \(issues)")
            }
        }
        // 141 of 148 on the bundled plan: the fast path is the rule, not the exception.
        #expect(exact >= 140, "\(exact) of \(district.villages.count) villages edge for edge")
        // The same villages with one grid moved by 0.3 m: no longer exact (the overlays decide).
        let first = try #require(byVillage[district.villages[0].code]?.first?.geometry)
        let moved = try toMetric.transform(first).mapCoordinates { Coordinate($0.x + 0.3, $0.y) }
        let others = try byVillage[district.villages[0].code]!.dropFirst().map { try toMetric.transform($0.geometry!) }
        #expect(!CoverageCheck.tilesExactly(parent: try toMetric.transform(district.villages[0].geometry), members: [moved] + others))
    }
}
