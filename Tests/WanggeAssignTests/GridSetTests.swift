import Testing
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry
import WanggeTestSupport
@testable import WanggeAssign

/// A set that serves a layer as built (`indexes`), and one built reusing another version's
/// (`reusing:`), must be what a fresh build of that layer gives.
@Suite struct GridSetTests {
    static let crs = CRS.shawanMetric
    static let villages = Fixture.collection
    static let set = try! GridSet(collection: villages, metricCRS: crs)

    /// The villages with one vertex of feature `k`'s outer ring (not its first) moved 1e-5°.
    static func edited(_ k: Int) -> FeatureCollection {
        var c = villages
        guard case .polygon(var p)? = c.features[k].geometry else { fatalError("feature \(k) is not a Polygon") }
        var ring = p.exterior
        ring[1] = Coordinate(ring[1].x + 1e-5, ring[1].y)
        p = Polygon(exterior: ring, holes: p.holes)
        c.features[k].geometry = .polygon(p)
        return c
    }

    static var firstPolygon: Int { villages.features.firstIndex { if case .polygon? = $0.geometry { true } else { false } }! }

    @Test func indexesItsLayerWithOtherPropertiesButNotAnEditedOne() {
        #expect(Self.set.indexes(Self.villages, metricCRS: Self.crs))
        var figures = Self.villages
        figures.features[0].properties?.members.append(JSONMember("workload", .number(JSONNumber(12.5))))
        #expect(Self.set.indexes(figures, metricCRS: Self.crs))
        var renamed = Self.villages
        renamed.features[0].properties?.members.removeAll { $0.key == "name" }
        renamed.features[0].properties?.members.append(JSONMember("name", .string("另一个村")))
        #expect(!Self.set.indexes(renamed, metricCRS: Self.crs))
        #expect(!Self.set.indexes(Self.edited(Self.firstPolygon), metricCRS: Self.crs))
        var fewer = Self.villages
        fewer.features.removeLast()
        #expect(!Self.set.indexes(fewer, metricCRS: Self.crs))
        #expect(!Self.set.indexes(Self.villages, metricCRS: .epsg(4544)))
    }

    @Test func reusingAnotherVersionGivesWhatAFreshBuildGives() throws {
        let k = Self.firstPolygon
        let edited = Self.edited(k)
        let fresh = try GridSet(collection: edited, metricCRS: Self.crs)
        let reused = try GridSet(collection: edited, metricCRS: Self.crs, reusing: Self.set)
        #expect(reused.grids == fresh.grids)
        #expect(reused.metricPolygons == fresh.metricPolygons)
        // The edited grid is transformed anew; the others are the other set's.
        let code = fresh.grids.firstIndex { $0.code == edited.features[k].string("code") }!
        #expect(reused.metricPolygons[code] != Self.set.metricPolygons[code])
        let probes = GridLocatorTests.points(2_000, seed: 11)
        #expect(probes.map { reused.lattice.project($0.x, $0.y) } == probes.map { fresh.lattice.project($0.x, $0.y) })
        // Another CRS's set lends nothing, and the result is still a fresh build's.
        let other = try GridSet(collection: Self.villages, metricCRS: .epsg(4544))
        #expect(try GridSet(collection: edited, metricCRS: Self.crs, reusing: other).metricPolygons == fresh.metricPolygons)
    }
}
