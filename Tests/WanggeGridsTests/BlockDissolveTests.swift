import Foundation
import Testing
import WanggeTestSupport
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeGrids

/// blocks.geojson is a basis a planner edits: every block valid as written (WGS-84, 7 decimals),
/// and dissolving the blocks by `grid_code` with GDAL — what a QGIS user does — gives grids
/// that `wangge validate` accepts. Before: a block self-intersected (a spike that rounding
/// turned into a crossing, 511111001001-0063; 5 of 2,308 when the issue was filed), and the
/// dissolved file had no township_code to validate against.
@Suite(.serialized) struct BlockDissolveTests {
    static let bundled = GridPlannerTests.bundled

    /// GDAL's ogr2ogr (WanggeTestSupport: a missing client names gdal-bin).
    static func ogr2ogr(_ arguments: [String]) throws {
        let r = try run("ogr2ogr", package: "gdal-bin", arguments)
        #expect(r.status == 0, "ogr2ogr failed: \(r.err)")
    }

    /// The bundled plan, and 300 grids: there, in 沫水社区, a block's corner 1.2 cm from its
    /// neighbour's looked like a rounding spike in one block and was dropped from it alone, and
    /// grid 511111100003003 dissolved into two pieces touching at a point.
    @Test(arguments: [nil, 300])
    func everyWrittenBlockIsValidAndTheBlocksDissolveIntoValidGrids(_ total: Int?) throws {
        var options = PartitionOptions()
        options.gridCount = total.map { .total($0) }
        let plan = total == nil ? GridPlannerTests.plan
            : try GridPlanner(options: options).plan(boundaries: Self.bundled.0, layers: Self.bundled.1)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-dissolve-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try GridPlanWriter().write(plan, to: dir, seconds: nil)

        // Each block as read back from the file: valid by GEOS, a polygon, one per block.
        let blocks = try GeoJSONReader().readFeatureCollection(contentsOf: dir + "/blocks.geojson")
        #expect(blocks.features.count == plan.blocks.count)
        let ctx = GEOSContext()
        var invalid: [String] = []
        for f in blocks.features {
            guard let g = f.geometry, case .polygon = g else { invalid.append("\(f.string("id") ?? "?"): not a polygon"); continue }
            let validity = try ctx.geometry(from: g).validity()
            if !validity.isValid { invalid.append("\(f.string("id") ?? "?"): \(validity)") }
        }
        #expect(invalid.isEmpty, "\(invalid.prefix(5))")

        // GDAL's dissolve (SQLite dialect, GEOS union), then wangge validate's checks on the result.
        let dissolved = dir + "/dissolved.geojson"
        try Self.ogr2ogr(["-f", "GeoJSON", dissolved, dir + "/blocks.geojson", "-dialect", "sqlite", "-sql",
                          "SELECT ST_Union(geometry) AS geometry, grid_code AS code, village_code, township_code FROM blocks GROUP BY grid_code"])
        let report = try GridValidation(tolerance: 1).run(file: dissolved, boundaries: Self.bundled.0)
        #expect(report.problems.isEmpty, "\(report.problems.prefix(5))")
        #expect(report.grids == plan.grids.count)
        #expect(report.villagesCovered == Self.bundled.0.villages.count)
    }
}
