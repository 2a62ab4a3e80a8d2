import Testing
import WanggeTestSupport
@testable import WanggeCRS

/// wangge's coordinates are 2-D: a geocentric target would lose Z, so the CLI refuses it.
@Suite struct GeocentricTests {
    @Test func geocentricIsRecognisedAndNothingElse() throws {
        #expect(try CRS(parsing: "EPSG:4978").isGeocentric())
        #expect(try CRS(parsing: "EPSG:4479").isGeocentric())  // CGCS2000 geocentric
        for name in ["wgs84", "EPSG:4979", "EPSG:4490", "gcj02", CRS.shawanMetricDefinition, "EPSG:4544"] {
            #expect(try !CRS(parsing: name).isGeocentric(), "\(name)")
        }
    }
}
