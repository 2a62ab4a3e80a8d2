import Testing
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeDistrict

/// The district profile is read from district.geojson's properties; nothing in the library names
/// the district.
@Suite struct DistrictProfileTests {
    static let boundaries = GridValidationTests.boundaries

    @Test func theBundledDistrictCarriesItsProfile() {
        let p = Self.boundaries.profile
        #expect(p.code == "511111" && p.name == "沙湾区")
        #expect(p.parents == ["四川省", "乐山市"])
        #expect(p.defaultGridCount == 204)
        #expect(p.metricCRS == CRS.proj("+proj=tmerc +lat_0=0 +lon_0=103.6 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs"))
        #expect(!p.metricCRSDerived)
    }

    @Test func withoutAMetricCRSOneIsCentredOnTheDistrict() throws {
        // Shawan spans 103.42–103.74°E: the derived meridian is 103.6°E, the bundled CRS exactly.
        #expect(try DistrictProfile.derivedMetricCRS(Self.boundaries.outline) == Self.boundaries.profile.metricCRS)
        let east = Envelope(minX: 120.71, minY: 31.2, maxX: 121.02, maxY: 31.5)
        #expect(CRS.localTransverseMercator(around: east).description.contains("+lon_0=120.9 "))
    }

    @Test func badProfilePropertiesAreNamed() {
        let outline = Self.boundaries.outline
        func feature(_ props: [String: JSONValue]) -> Feature {
            var f = Feature(properties: ["code": .string("511111"), "name": .string("X区")], geometry: outline)
            for (k, v) in props { f[property: k] = v }
            return f
        }
        let geographic = #expect(throws: BoundaryDataError.self) {
            try DistrictProfile.read(feature(["metric_crs": .string("EPSG:4326")]), outline: outline, code: "511111", name: "X区", file: "d.geojson")
        }
        #expect(geographic?.description.contains("must be a projected CRS") == true)
        let count = #expect(throws: BoundaryDataError.self) {
            try DistrictProfile.read(feature(["grids": .string("many")]), outline: outline, code: "511111", name: "X区", file: "d.geojson")
        }
        #expect(count?.description.contains("\"grids\" must be a whole number") == true)
    }
}
