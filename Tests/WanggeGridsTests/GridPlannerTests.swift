import WanggeTestSupport
import Foundation
import Testing
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeGrids

/// The whole partition on the bundled Shawan: 204 grids that tile their villages, balanced,
/// contiguous, coded, along natural lines — and the same bytes every run.
@Suite(.serialized) struct GridPlannerTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("boundaries").path

    static let bundled: (DistrictBoundaries, DistrictLayers) = {
        (try! DistrictBoundaries.load(directory: dir), try! DistrictLayers.load(directory: dir))
    }()

    static let plan: GridPlan = try! GridPlanner().plan(boundaries: bundled.0, layers: bundled.1)

    @Test func theShawanPlanHas204GridsEveryVillageAtLeastOne() {
        let plan = Self.plan
        #expect(plan.grids.count == 204)
        #expect(Set(plan.grids.map(\.villageCode)) == Set(Self.bundled.0.villages.map(\.code)))
        #expect(plan.grids.reduce(0) { $0 + $1.figures.households } == Self.bundled.1.addresses.reduce(0) { $0 + $1.households })
        #expect(plan.unplacedPoints == 0)
    }

    @Test func gridsTileTheirVillagesInOnePieceEach() throws {
        let plan = Self.plan
        let toMetric = try CoordinateTransform(from: .wgs84, to: .shawanMetric)
        let check = CoverageCheck(tolerance: 1)
        var issues: [CoverageIssue] = []
        for v in Self.bundled.0.villages {
            let parent = CoverageMember(id: v.code, geometry: try toMetric.transform(v.geometry))
            issues += try check.check(parent: parent, members: plan.grids.filter { $0.villageCode == v.code }
                .map { CoverageMember(id: $0.code, geometry: .polygon($0.polygon)) })
        }
        #expect(issues.isEmpty, "\(issues.prefix(5))")
    }

    @Test func everyGridIsWithinTenPercentOfItsVillageMeanAndMostBoundaryIsNatural() throws {
        let plan = Self.plan
        // Households counted independently: each address located by GEOS in the grid polygons of
        // its own village (the planner tallies per block with its own code), then the balance
        // rule of the options, not the plan's flags.
        let ctx = GEOSContext()
        let toMetric = try CoordinateTransform(from: .wgs84, to: plan.metricCRS)
        let prepared = try plan.grids.map { try PreparedGeometry(ctx.geometry(from: .polygon($0.polygon))) }
        var households = [Int](repeating: 0, count: plan.grids.count)
        for a in Self.bundled.1.addresses {
            let p = try ctx.geometry(from: .point(try toMetric.transform(a.position)))
            let own = plan.grids.indices.filter { plan.grids[$0].villageCode == a.villageCode }
            if let g = try own.first(where: { try prepared[$0].covers(p) }) { households[g] += a.households }
        }
        #expect(households == plan.grids.map(\.figures.households))
        // Balanced by hours (the default weights), each grid's the sum of its blocks'.
        let tolerance = PartitionOptions().tolerance
        for v in plan.villages where v.grids > 1 {
            let loads = plan.grids.indices.filter { plan.grids[$0].villageCode == v.code }.map { plan.grids[$0].figures.hours }
            let mean = loads.reduce(0, +) / Double(loads.count)
            #expect(loads.allSatisfy { abs($0 - mean) <= tolerance * mean + 1e-9 } == v.balanced, "\(v.name)")
        }
        #expect(plan.villages.filter { $0.grids > 1 && !$0.balanced }.allSatisfy { $0.note != nil })
        // The bundled plan refines along courtyard edges only: no straight cut at 204 grids.
        #expect(plan.naturalShare >= 0.99)
        #expect(plan.naturalShareOutsideRefinements > 0.999)
        #expect(plan.villages.allSatisfy { $0.straightCuts == 0 })
        #expect(plan.villages.contains { $0.refinements > 0 })
        // Everything not on a natural line is a refinement cut, and refinements are reported.
        let refinement = plan.internalBoundary.first { $0.category == "refinement" }?.metres ?? 0
        #expect(refinement == 0 || plan.blocks.contains(where: \.refined))
    }

    @Test func codesAreFifteenDigitsUniqueAndNumberedWestToEast() {
        let plan = Self.plan
        #expect(Set(plan.grids.map(\.code)).count == plan.grids.count)
        for g in plan.grids {
            #expect(g.code.count == 15 && g.code.hasPrefix(g.villageCode) && g.code.allSatisfy(\.isNumber))
            #expect(g.name == "\(g.village)第\(Int(g.code.suffix(3))!)网格")
        }
        for v in plan.villages where v.grids > 1 {
            let xs = plan.grids.filter { $0.villageCode == v.code }.map { FaceNetwork.centroid($0.polygon).x.rounded() }
            #expect(xs == xs.sorted(), "\(v.name)")
        }
    }

    @Test func blocksBelongToExactlyTheGridTheyFormAndRegionsAreContiguous() throws {
        let plan = Self.plan
        let ctx = GEOSContext()
        for (g, grid) in plan.grids.enumerated().filter({ $0.element.blockCount > 1 }).prefix(40) {
            let blocks = plan.blocks.filter { $0.grid == g }
            #expect(blocks.count == grid.blockCount)
            let union = try ctx.collection(of: blocks.map { try ctx.geometry(from: .polygon($0.polygon)) }).unaryUnion(gridSize: 1e-6).value()
            #expect(union.polygons.count == 1, "grid \(grid.code) is in \(union.polygons.count) pieces")
        }
    }

    /// What a planner opens is the WGS-84 file, rounded to 7 decimals: it must still tile the
    /// villages as villages.geojson has them (no sliver above 1 m², every grid valid).
    @Test func theWrittenGridFilePassesValidation() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-grids-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try GridPlanWriter().write(Self.plan, to: dir, seconds: nil)
        let report = try GridValidation(tolerance: 1).run(file: dir + "/grids.geojson", boundaries: Self.bundled.0)
        #expect(report.problems.isEmpty, "\(report.problems.prefix(5))")
        #expect(report.grids == 204)
        // The blocks file fits too: blocks of a village tile it like grids do.
        let blocks = try GeoJSONReader().readFeatureCollection(contentsOf: dir + "/blocks.geojson")
        #expect(blocks.features.count == Self.plan.blocks.count)
    }

    @Test func sameSeedSameBytes() throws {
        let writer = GridPlanWriter()
        let again = try GridPlanner().plan(boundaries: Self.bundled.0, layers: Self.bundled.1)
        #expect(try GeoJSONWriter().encode(writer.gridsCollection(again)) == GeoJSONWriter().encode(writer.gridsCollection(Self.plan)))
    }

    /// Measured apart from the planner's own classification: the boundary between every two
    /// grids of a village (GEOS), and the part of it within 5 cm of a line of the district's
    /// layers — rivers, ridges, streets, areas and the courtyard edges of paths.geojson.
    @Test func theInternalBoundaryLiesOnTheDistrictsLinesMeasuredAgainstTheLayers() throws {
        let plan = Self.plan
        let ctx = GEOSContext()
        let toMetric = try CoordinateTransform(from: .wgs84, to: plan.metricCRS)
        var lines = try Self.bundled.1.lines.map { try toMetric.transform($0.line) }
        for a in Self.bundled.1.areas { for p in try toMetric.transform(a.geometry).polygons { lines += p.rings } }
        #expect(Self.bundled.1.lines.contains { $0.kind == "courtyard" })
        let index = LineIndex(lines.map { CuttingLine(category: .street, points: $0) })
        let cutter = BlockCutter(rules: .seed, context: ctx)
        var total = 0.0, onLines = 0.0
        let byVillage = Dictionary(grouping: plan.grids.indices, by: { plan.grids[$0].villageCode })
        for code in byVillage.keys.sorted() {
            let grids = byVillage[code]!
            for (n, a) in grids.enumerated() {
                for b in grids[(n + 1)...] {
                    let shared = try ctx.geometry(from: .multiLineString(plan.grids[a].polygon.rings))
                        .intersection(try ctx.geometry(from: .multiLineString(plan.grids[b].polygon.rings)))
                    let length = try shared.length()
                    guard length > 0, let e = try shared.value().envelope else { continue }
                    total += length
                    let box = Polygon(exterior: [Coordinate(e.minX - 1, e.minY - 1), Coordinate(e.maxX + 1, e.minY - 1),
                                                 Coordinate(e.maxX + 1, e.maxY + 1), Coordinate(e.minX - 1, e.maxY + 1),
                                                 Coordinate(e.minX - 1, e.minY - 1)])
                    let near = cutter.lines(near: box, categories: [.street], index: index).map(\.points)
                    guard !near.isEmpty else { continue }
                    let band = try ctx.geometry(from: .multiLineString(near)).buffer(width: 0.05)
                    onLines += try shared.intersection(band).length()
                }
            }
        }
        #expect(total > 50_000, "internal boundary \(total) m")
        #expect(onLines / total >= 0.99, "\(onLines) of \(total) m on the layers' lines")
    }

    @Test func householdsPerGridDerivesTheCount() throws {
        var options = PartitionOptions()
        options.gridCount = .loadPerGrid(300)
        options.weights = .households
        let plan = try GridPlanner(options: options).plan(boundaries: Self.bundled.0, layers: Self.bundled.1)
        for v in plan.villages {
            let households = plan.grids.filter { $0.villageCode == v.code }.reduce(0) { $0 + $1.figures.households }
            #expect(v.grids == max(1, Int((Double(households) / 300).rounded())), "\(v.name)")
        }
    }
}

/// A grid as the union of its blocks: edges cancelled where the blocks are a coverage, the
/// general union otherwise (GridPlanner.coverageUnion says which).
@Suite struct GridUnionTests {
    @Test func onlyOneValidPolygonIsTakenFromTheCoverageUnion() throws {
        let ctx = GEOSContext()
        let tiled = try ctx.geometry(wkt: "MULTIPOLYGON (((0 0, 2 0, 2 1, 0 1, 0 0)), ((2 0, 4 0, 4 1, 2 1, 2 0)), ((0 1, 2 1, 4 1, 4 2, 0 2, 0 1)))")
        let u = try #require(GridPlanner.coverageUnion(tiled))
        #expect(try ctx.geometry(from: u).equals(tiled.unaryUnion()))
        // a shared edge with a vertex on one side only; overlapping blocks; blocks meeting at a point
        for wkt in ["MULTIPOLYGON (((0 0, 2 0, 2 1, 0 1, 0 0)), ((2 0, 4 0, 4 1, 2 1, 2 0)), ((0 1, 4 1, 4 2, 0 2, 0 1)))",
                    "MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)), ((1 1, 3 1, 3 3, 1 3, 1 1)))",
                    "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((1 1, 2 1, 2 2, 1 2, 1 1)))"] {
            #expect(GridPlanner.coverageUnion(try ctx.geometry(wkt: wkt)) == nil, "\(wkt)")
        }
    }
}
