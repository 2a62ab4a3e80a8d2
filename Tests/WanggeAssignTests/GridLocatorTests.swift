import Testing
import WanggeCRS
import WanggeGeometry
@testable import WanggeAssign

/// The one point-to-grid rule: assign's streaming pipeline, the locator by geometry and the
/// locator with the point's village (export, gazetteer, geocode) must give the same grid.
@Suite struct GridLocatorTests {
    static let locator = try! GridLocator(Fixture.set)

    /// A seeded splitmix sequence of points over the grids' bounding box (some fall outside).
    static func points(_ n: Int, seed: UInt64) -> [Coordinate] {
        var state = seed
        func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        let e = Fixture.set.index
        return (0..<n).map { _ in Coordinate(e.minX + next() * (e.maxX - e.minX), e.minY + next() * (e.maxY - e.minY)) }
    }

    @Test func assignExportAndGeocodeAgreeOn100000Points() throws {
        let points = Self.points(100_000, seed: 7)
        var csv = "id,lon,lat\n"
        for (i, p) in points.enumerated() { csv += "\(i),\(p.x),\(p.y)\n" }
        let (out, summary, _) = try Fixture.run(csv, AssignOptions())
        #expect(summary.rows == points.count)
        let assigned = Fixture.column(out, "grid_code")
        var inside = 0
        for (i, p) in points.enumerated() {
            let byGeometry = Self.locator.grid(at: p, village: nil).map { Self.locator.grids[$0].code } ?? ""
            // Export and the gazetteer know the point's village; here it is the one it lies in.
            let village = Self.locator.villageCode(at: p)
            let byVillage = Self.locator.grid(at: p, village: village).map { Self.locator.grids[$0].code } ?? ""
            #expect(assigned[i] == byGeometry, "point \(i)")
            #expect(byVillage == byGeometry, "point \(i)")
            if !byGeometry.isEmpty { inside += 1 }
        }
        #expect(inside > 50_000)  // the district fills most of its bounding box
    }

    @Test func aPointOverItsVillageLineGoesToItsOwnVillagesNearestGrid() throws {
        let ctx = GEOSContext()
        let set = Fixture.set
        let toMetric = try CoordinateTransform(from: .wgs84, to: set.metricCRS)
        var checked = 0
        for p in Self.points(400, seed: 11) {
            guard let here = Self.locator.locate(p).gridIndex else { continue }
            // Claim a village the point is not in: the nearest grid of that village, measured by
            // GEOS in metres, must be the answer.
            let other = set.grids[(here + 37) % set.grids.count].villageCode
            let candidates = set.grids.indices.filter { set.grids[$0].villageCode == other }
            let m = try ctx.geometry(from: .point(try toMetric.transform(p)))
            let expected = try candidates.min { a, b in
                let da = try m.distance(to: ctx.geometry(from: .multiPolygon(set.metricPolygons[a])))
                let db = try m.distance(to: ctx.geometry(from: .multiPolygon(set.metricPolygons[b])))
                return da < db
            }
            #expect(Self.locator.grid(at: p, village: other) == expected)
            checked += 1
        }
        #expect(checked > 200)
    }

    @Test func anUnknownVillageFallsBackToGeometry() {
        let p = Self.points(50, seed: 3).first { Self.locator.locate($0).gridIndex != nil }!
        #expect(Self.locator.grid(at: p, village: "999999999999") == Self.locator.locate(p).gridIndex)
    }
}
