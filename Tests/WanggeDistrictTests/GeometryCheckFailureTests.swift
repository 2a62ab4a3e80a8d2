import Testing
import WanggeCRS
import WanggeGeometry
@testable import WanggeDistrict

@Suite struct GeometryCheckFailureTests {
    @Test func aGEOSFailureNamesTheUnitAndGivesLonLat() throws {
        let toWGS84 = try CoordinateTransform(from: GridValidationTests.boundaries.profile.metricCRS, to: .wgs84)
        let error = #expect(throws: GeometryCheckFailure.self) {
            try GeometryCheckFailure.naming("village 511111001001 老矿社区 and its grids", toWGS84: toWGS84) { () throws -> Int in
                throw GEOSError.operationFailed(function: "GEOSOverlay_r", message: "TopologyException: side location conflict at 500000 3254000")
            }
        }
        let text = try #require(error?.description)
        #expect(text.contains("village 511111001001 老矿社区"))
        #expect(text.contains("side location conflict at 103.60000, 29.4"))
        #expect(!text.contains("3254000"))
    }
}
