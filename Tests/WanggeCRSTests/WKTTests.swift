import WanggeTestSupport
import Testing
@testable import WanggeCRS

/// ESRI WKT for `.prj` files, and PROJ's equivalence test that lets a raster's `.prj` be compared
/// with the district's metric CRS given as a PROJ string.
@Suite struct WKTTests {
    @Test func shawanTMAsESRIWKTNamesItselfAndItsParameters() throws {
        let wkt = try CRS.shawanMetric.esriWKT(name: "shawan-tm")
        #expect(wkt.hasPrefix("PROJCS[\"shawan-tm\","))
        for part in ["PROJECTION[\"Transverse_Mercator\"]", "PARAMETER[\"Central_Meridian\",103.6]",
                     "PARAMETER[\"False_Easting\",500000.0]", "PARAMETER[\"Scale_Factor\",1.0]",
                     "SPHEROID[\"GRS_1980\",6378137.0,298.257222101]", "UNIT[\"Meter\",1.0]"] {
            #expect(wkt.contains(part), "\(part) in \(wkt)")
        }
        #expect(!wkt.contains("\n"))
        #expect(try CRS.shawanMetric.esriWKT().hasPrefix("PROJCS[\"unknown\","))
    }

    @Test func theWKTIsEquivalentToThePROJStringAndToNothingNearby() throws {
        let wkt = CRS.proj(try CRS.shawanMetric.esriWKT(name: "shawan-tm"))
        #expect(try wkt.isEquivalent(to: .shawanMetric))
        #expect(try CRS.shawanMetric.isEquivalent(to: wkt))
        let shifted = CRS.proj("+proj=tmerc +lat_0=0 +lon_0=103.5 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs")
        #expect(try !wkt.isEquivalent(to: shifted))
        #expect(try !wkt.isEquivalent(to: .epsg(4544)))
        #expect(try !wkt.isEquivalent(to: .wgs84))
        #expect(try !CRS.gcj02.isEquivalent(to: .wgs84))
        #expect(try CRS.gcj02.isEquivalent(to: .gcj02))
    }

    @Test func unknownCRSAndGCJ02HaveNoWKT() {
        #expect(throws: CRSError.self) { _ = try CRS.gcj02.esriWKT() }
        #expect(throws: CRSError.self) { _ = try CRS.proj("+proj=nonsense +type=crs").esriWKT() }
        #expect(throws: CRSError.self) { _ = try CRS.proj("PROJCS[\"broken\"").isEquivalent(to: .shawanMetric) }
    }
}
