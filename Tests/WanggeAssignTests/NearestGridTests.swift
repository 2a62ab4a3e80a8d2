import Testing
import WanggeCRS
import WanggeGeometry
@testable import WanggeAssign

@Suite struct NearestGridTests {
    /// Shared edges found on the file's coordinates, only the outline taken to metres: the same
    /// answers, bit for bit, as the index built from a metric copy of every grid.
    @Test func outlineOnlyEqualsTheWholeMetricCopy() throws {
        let set = Fixture.set
        let toMetric = try CoordinateTransform(from: .wgs84, to: set.metricCRS)
        let whole = NearestGrid(metricPolygons: set.metricPolygons)
        let outline = try NearestGrid(polygons: set.index.geometries) { try toMetric.transform($0) }
        #expect(outline.t.edges == whole.t.edges)
        #expect(outline.t.edgeGrid == whole.t.edgeGrid)
        // The outline is a small part of all edges.
        let all = set.index.geometries.reduce(0) { $0 + $1.reduce(0) { $0 + $1.rings.reduce(0) { $0 + $1.count - 1 } } }
        #expect(outline.t.edges.count * 5 < all)
        var checked = 0
        for p in GridLocatorTests.points(5_000, seed: 41) where set.index.locate(p.x, p.y) == .outside {
            let m = try toMetric.transform(p)
            let a = outline.nearest(m.x, m.y), b = whole.nearest(m.x, m.y)
            #expect(a.grid == b.grid && a.distance == b.distance, "\(p)")
            checked += 1
        }
        #expect(checked > 1_000)
    }

    /// Nearest by brute force over every grid's polygons in metres (ties to the lower index).
    @Test func agreesWithBruteForceDistance() throws {
        let set = Fixture.set
        let toMetric = try CoordinateTransform(from: .wgs84, to: set.metricCRS)
        var checked = 0
        for p in GridLocatorTests.points(600, seed: 43) where set.index.locate(p.x, p.y) == .outside {
            let m = try toMetric.transform(p)
            let got = set.nearest.nearest(m.x, m.y)
            let d = set.metricPolygons.map { polys in polys.map { Planar.distance(from: m, to: $0) }.min() ?? .infinity }
            let best = d.min()!
            #expect(abs(got.distance - best) < 1e-6 * max(1, best), "\(p)")
            #expect(d[got.grid] - best < 1e-6 * max(1, best))
            checked += 1
        }
        #expect(checked > 100)
    }

    /// `assign` loads without the metric copy; made on first use it is the one made while loading.
    @Test func metricCopyOnFirstUseEqualsTheOneMadeWhileLoading() throws {
        let lazy = try GridSet(collection: Fixture.collection, metricPolygons: .onFirstUse)
        #expect(lazy.metricPolygons == Fixture.set.metricPolygons)
        #expect(lazy.nearest.t.edges == Fixture.set.nearest.t.edges)
    }
}
