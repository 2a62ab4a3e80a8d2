import Foundation
import Testing
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeStore

/// The GeoPackage writer on its own: WKB and GP header bytes, column typing, file header,
/// reproducible bytes, atomic replacement — and GDAL reading what it wrote.
@Suite struct GeoPackageTests {
    @Test func wkbOfAPointIsTheStandardLittleEndianEncoding() {
        let bytes = WKB.encode(.point(Coordinate(1, 2)))
        #expect(bytes == [0x01, 0x01, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0xF0, 0x3F] + [0, 0, 0, 0, 0, 0, 0, 0x40])
    }

    @Test func wkbOfAPolygonCountsRingsAndPoints() {
        let ring = [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)]
        let bytes = WKB.encode(.multiPolygon([Polygon(exterior: ring)]))
        // multipolygon header (9) + polygon header (9) + ring count… : 1+4+4 + 1+4+4 + 4 + 4*16
        #expect(bytes.count == 9 + 9 + 4 + 64)
        #expect(bytes[1] == 6 && bytes[10] == 3 && bytes[14] == 1 && bytes[18] == 4)
    }

    @Test func geoPackageBinaryHasMagicVersionFlagsSRSAndEnvelope() {
        let ring = [Coordinate(103.5, 29.3), Coordinate(103.6, 29.3), Coordinate(103.6, 29.4), Coordinate(103.5, 29.3)]
        let b = GeoPackageBinary.encode(.polygon(Polygon(exterior: ring)), srsID: 4326)
        #expect(Array(b[0..<4]) == [0x47, 0x50, 0x00, 0x03])
        #expect(Array(b[4..<8]) == [0xE6, 0x10, 0, 0])   // 4326 little-endian
        func double(_ k: Int) -> Double { Double(bitPattern: b[k..<k + 8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }) }
        #expect([double(8), double(16), double(24), double(32)] == [103.5, 103.6, 29.3, 29.4])   // minx, maxx, miny, maxy
        #expect(Array(b[40...]) == WKB.encode(.polygon(Polygon(exterior: ring))))
    }

    @Test func columnsAreTypedFromTheValues() {
        let fs = [
            Feature(id: .string("a"), properties: ["n": .number(JSONNumber(3)), "x": .number(JSONNumber(1.5)), "s": .string("文"), "b": .bool(true), "m": .null, "fid": .string("clash")], geometry: nil),
            Feature(id: .string("b"), properties: ["n": .number(JSONNumber(4)), "x": .number(JSONNumber(2)), "s": .number(JSONNumber(1)), "m": .number(JSONNumber(2.5))], geometry: nil),
        ]
        let cols = GeoPackageWriter.columns(of: fs)
        #expect(cols.map(\.name) == ["id", "n", "x", "s", "b", "m", "fid_"])
        #expect(cols.map(\.kind) == [.text, .integer, .real, .text, .integer, .real, .text])
        #expect(GeoPackageWriter.columns(of: fs, overrides: ["n": .real])[1].kind == .real)
    }

    static func sampleLayers() -> [GeoPackageLayer] {
        let square = { (x: Double, y: Double) in
            Geometry.polygon(Polygon(exterior: [Coordinate(x, y), Coordinate(x + 0.01, y), Coordinate(x + 0.01, y + 0.01), Coordinate(x, y + 0.01), Coordinate(x, y)]))
        }
        return [
            GeoPackageLayer(name: "grids", features: (0..<3).map { k in
                Feature(id: .string("g\(k)"), properties: ["code": .string("51111100100100\(k)"), "households": .number(JSONNumber(100 + k)), "workload": .number(JSONNumber(100.5 + Double(k)))],
                        geometry: square(103.5 + Double(k) * 0.01, 29.4))
            }),
            GeoPackageLayer(name: "points", features: [Feature(id: .string("p"), properties: ["name": .string("点")], geometry: .point(Coordinate(103.51, 29.405)))]),
        ]
    }

    @Test func fileHeaderSaysGPKGAndVersion10300AndBytesAreReproducible() throws {
        let dir = Fixture.temporaryDirectory("gpkg-header")
        let a = (dir as NSString).appendingPathComponent("a.gpkg"), b = (dir as NSString).appendingPathComponent("b.gpkg")
        try GeoPackageWriter().write(Self.sampleLayers(), to: a)
        try GeoPackageWriter().write(Self.sampleLayers(), to: b)
        let bytes = [UInt8](FileManager.default.contents(atPath: a)!)
        #expect(String(decoding: bytes[0..<15], as: UTF8.self) == "SQLite format 3")
        #expect(Array(bytes[68..<72]) == [0x47, 0x50, 0x4B, 0x47])        // application_id 'GPKG'
        #expect(Array(bytes[60..<64]) == [0x00, 0x00, 0x28, 0x3C])        // user_version 10300
        #expect(FileManager.default.contents(atPath: b) == Data(bytes))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["a.gpkg", "b.gpkg"])   // no temp files left
    }

    @Test func aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws {
        let dir = Fixture.temporaryDirectory("gpkg-atomic")
        let path = (dir as NSString).appendingPathComponent("x.gpkg")
        try GeoPackageWriter().write(Self.sampleLayers(), to: path)
        let before = FileManager.default.contents(atPath: path)
        // Two layers with one name: the second CREATE TABLE fails inside the build.
        let bad = Self.sampleLayers() + [Self.sampleLayers()[0]]
        #expect(throws: (any Error).self) { try GeoPackageWriter().write(bad, to: path) }
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["x.gpkg"])
    }

    @Test func gdalReadsLayersTypesCRSAndUsesTheRTree() throws {
        let dir = Fixture.temporaryDirectory("gpkg-gdal")
        let path = (dir as NSString).appendingPathComponent("s.gpkg")
        try GeoPackageWriter().write(Self.sampleLayers(), to: path)
        let info = try ogrinfo(path)
        let ls = layers(inOgrinfo: info)
        #expect(ls.map(\.name) == ["grids", "points"])
        #expect(ls.map(\.count) == [3, 1])
        #expect(ls.map(\.epsg) == [4326, 4326])
        #expect(info.contains("households: Integer64") && info.contains("workload: Real") && info.contains("code: String"))
        #expect(info.contains("Geometry: Polygon") && info.contains("Geometry: Point"))
        // R-tree: present with one row per feature, and a spatial filter finds exactly the middle square.
        let rtree = try run("ogrinfo", package: "gdal-bin", ["-q", path, "-sql", "SELECT COUNT(*) AS n FROM rtree_grids_geom"])
        #expect(String(decoding: rtree.out, as: UTF8.self).contains("n (Integer) = 3"))
        let hit = try run("ogrinfo", package: "gdal-bin", ["-q", path, "grids", "-spat", "103.513", "29.402", "103.517", "29.408"])
        let text = String(decoding: hit.out, as: UTF8.self)
        #expect(text.contains("511111001001001") && !text.contains("511111001001000") && !text.contains("511111001001002"))
        let ext = try run("ogrinfo", package: "gdal-bin", ["-q", path, "-sql", "SELECT extension_name, scope FROM gpkg_extensions WHERE table_name = 'grids'"])
        #expect(String(decoding: ext.out, as: UTF8.self).contains("gpkg_rtree_index"))
        let srs = try run("ogrinfo", package: "gdal-bin", ["-q", path, "-sql", "SELECT group_concat(srs_id) AS ids FROM gpkg_spatial_ref_sys"])
        #expect(String(decoding: srs.out, as: UTF8.self).contains("ids (String) = -1,0,4326,4490"))
    }
}
