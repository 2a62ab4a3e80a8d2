import Foundation
import Testing
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeDistrict

/// Broken boundaries get an error naming the file, the feature and the problem; a moved village
/// is found by the check with its code and where the gap and overlap are.
@Suite struct DistrictBoundariesErrorTests {
    static let bundled = BundledBoundariesTests.dir

    /// A scratch copy of the three administrative layers, with `edit` applied to villages.geojson.
    func copy(editingVillages edit: (inout FeatureCollection) -> Void) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in ["district.geojson", "townships.geojson"] {
            try FileManager.default.copyItem(atPath: Self.bundled + "/" + name, toPath: dir + "/" + name)
        }
        var villages = try GeoJSONReader().readFeatureCollection(contentsOf: Self.bundled + "/villages.geojson")
        edit(&villages)
        try GeoJSONWriter().write(villages, toFile: dir + "/villages.geojson")
        return dir
    }

    @Test func missingPropertyIsNamedWithFileAndFeature() throws {
        let dir = try copy { fc in fc.features[7].properties = ["name": .string("无码村")] }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect {
            _ = try DistrictBoundaries.load(directory: dir)
        } throws: { error in
            let text = String(describing: error)
            return text.contains("villages.geojson: feature 7") && text.contains("\"township_code\" is missing")
        }
    }

    @Test func codeOfAnotherTownshipIsRejected() throws {
        let dir = try copy { fc in
            let code = fc.features[0].string("code")!
            fc.features[0].properties = JSONObject(fc.features[0].properties!.members.map {
                $0.key == "code" ? JSONMember("code", .string("511111999" + code.suffix(3))) : $0
            })
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: BoundaryDataError.self) { _ = try DistrictBoundaries.load(directory: dir) }
    }

    @Test func shiftedVillageShowsAsOverlapAndGapWithItsCode() throws {
        var moved = ""
        let dir = try copy { fc in
            moved = fc.features[20].string("code")!
            // ~100 m east: overlaps its eastern neighbour, leaves a gap on the west.
            fc.features[20].geometry = fc.features[20].geometry!.mapCoordinates { Coordinate($0.x + 0.001, $0.y) }
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = try DistrictCheck().run(try DistrictBoundaries.load(directory: dir))
        #expect(!report.passed)
        #expect(report.issues.contains { $0.kind == .overlap && $0.ids.contains(moved) && $0.area > 1000 })
        #expect(report.issues.contains { $0.kind == .gap && $0.area > 1000 && $0.location != nil })
    }
}
