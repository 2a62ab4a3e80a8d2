import WanggeTestSupport
import Foundation
import Testing
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeDistrict

/// `GeoJSONTransform` (behind `wangge crs --geojson`) on the real district outline (GCJ-02).
@Suite struct GeoJSONTransformTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let outlinePath = root.appendingPathComponent("boundaries/source/district-outline.gcj02.geojson").path

    func outline() throws -> FeatureCollection {
        try GeoJSONReader().readFeatureCollection(contentsOf: Self.outlinePath)
    }

    func coordinates(_ fc: FeatureCollection) -> [Coordinate] {
        var cs: [Coordinate] = []
        for f in fc.features { f.geometry?.forEachCoordinate { cs.append($0) } }
        return cs
    }

    @Test func gcj02ToWGS84AndBackReturnsWithin1e6Degrees() throws {
        let gcj = try outline()
        let wgs = try GeoJSONTransform(from: .gcj02, to: .wgs84).transform(gcj)
        let back = try GeoJSONTransform(from: .wgs84, to: .gcj02).transform(wgs)
        let (a, b, w) = (coordinates(gcj), coordinates(back), coordinates(wgs))
        #expect(a.count == b.count && a.count > 100)
        let worst = zip(a, b).map { max(abs($0.x - $1.x), abs($0.y - $1.y)) }.max()!
        #expect(worst < 1e-6)
        // The offset itself is hundreds of metres, so the round trip is not trivially the identity.
        #expect(zip(a, w).allSatisfy { abs($0.x - $1.x) > 1e-4 })
        // Properties kept; WGS-84 output carries no CRS member, GCJ-02 output says what it is.
        #expect(wgs.features[0].properties == gcj.features[0].properties)
        #expect(wgs.foreignMembers.isEmpty)
        #expect(back[foreignMember: "crs_note"] == .string("GCJ-02 longitude/latitude, not WGS-84"))
    }

    @Test func wgs84AreaInShawanTMIsTheReferenceArea() throws {
        let wgs = try GeoJSONTransform(from: .gcj02, to: .wgs84).transform(outline())
        let tm = try GeoJSONTransform(from: .wgs84, to: .shawanMetric)
        let metric = try tm.transform(wgs)
        let area = try GEOSContext().geometry(from: metric.features[0].geometry!).area()
        // 603,535,203 m² by Shapely + pyproj (tools/reference/outline_area.py).
        #expect(abs(area - 603_535_203) / 603_535_203 < 1e-4)
        #expect(metric[foreignMember: "crs"] == .object(["type": .string("name"),
                                                         "properties": .object(["name": .string(CRS.shawanMetricDefinition)])]))
        #expect(tm.writerOptions().decimals == 3 && !tm.targetIsGeographic)
        #expect(tm.readerOptions.checkCoordinateRange)
    }

    @Test func projectedFileRoundTripsThroughDisk() throws {
        let dir = NSTemporaryDirectory() + "crs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let toTM = try GeoJSONTransform(from: .gcj02, to: .epsg(4544))
        try toTM.transformFile(Self.outlinePath, to: dir + "/tm.geojson")
        let text = try String(contentsOfFile: dir + "/tm.geojson", encoding: .utf8)
        #expect(text.hasPrefix(#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4544"}}"#))
        // Metres (x ≈ 372 km, y ≈ 3262 km), so the reader's degree range check must be off to read it.
        #expect(throws: GeoJSONError.self) { try GeoJSONReader().readFeatureCollection(contentsOf: dir + "/tm.geojson") }
        let back = try GeoJSONTransform(from: .epsg(4544), to: .gcj02)
        let again = try back.transform(GeoJSONReader(options: back.readerOptions).readFeatureCollection(contentsOf: dir + "/tm.geojson"))
        // The writer turned the rings to the right-hand rule, so compare each ring either way round.
        let rings = { (fc: FeatureCollection) in fc.features.flatMap { $0.geometry!.polygons.flatMap(\.rings) } }
        func worst(_ a: [Coordinate], _ b: [Coordinate]) -> Double {
            zip(a, b).map { max(abs($0.x - $1.x), abs($0.y - $1.y)) }.max() ?? .infinity
        }
        let original = rings(try outline()), read = rings(again)
        #expect(original.count == read.count)
        for (a, b) in zip(original, read) {
            #expect(a.count == b.count && min(worst(a, b), worst(a.reversed(), b)) < 1e-6)  // 1 mm ≈ 1e-8°
        }
    }

    @Test func errorsNameFileAndFeature() throws {
        var fc = try outline()
        fc.features.append(Feature(id: .string("far"), geometry: .point(Coordinate(103.5, 95))))
        let error = #expect(throws: GeoJSONError.self) {
            try GeoJSONTransform(from: .wgs84, to: .shawanMetric).transform(fc, fileName: "x.geojson")
        }
        #expect(error?.featureIndex == 1 && error?.featureID == .string("far"))
        #expect(error?.description.hasPrefix(#"x.geojson: feature 1 (id "far"): cannot transform EPSG:4326 → \#(CRS.shawanMetricDefinition): "#) == true)
    }
}
