import Foundation
import Testing
import WanggeAssign
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeExport

/// `wangge export` on the bundled Shawan, checked by GDAL's ogrinfo and by reading back.
@Suite(.serialized) struct ExportTests {
    static let expected: [(String, Int)] = [("district", 1), ("townships", 14), ("villages", 148), ("grids", 204)]

    @Test func ogrinfoReadsTheGeoPackageLayersCountsAndCRS() throws {
        let info = try ogrinfo((Fixture.exportDirectory as NSString).appendingPathComponent("wangge.gpkg"))
        let ls = layers(inOgrinfo: info)
        #expect(ls.map(\.name) == ["district", "townships", "villages", "grids", "blocks", "addresses", "landmarks", "incidents"])
        for (name, count) in Self.expected { #expect(ls.first { $0.name == name }?.count == count, "\(name)") }
        #expect(ls.first { $0.name == "addresses" }?.count == Fixture.input.layers.addresses.count)
        #expect(ls.allSatisfy { $0.epsg == 4326 }, "\(ls.map { "\($0.name) \($0.epsg.map(String.init) ?? "?")" })")
        // Typed attribute columns.
        for column in ["code: String", "households: Integer64", "residents: Integer64", "workload: Real", "worker: String",
                       "worker_phone: String", "staff_hours: Real"] {
            #expect(info.contains(column), "\(column)")
        }
    }

    /// GDAL's own GeoPackage validator (python3-gdal, which gdal-bin depends on) finds nothing.
    @Test func gdalValidatorAcceptsTheGeoPackage() throws {
        let r = try run("python3", package: "python3-gdal", ["-m", "osgeo_utils.samples.validate_gpkg",
                                                              (Fixture.exportDirectory as NSString).appendingPathComponent("wangge.gpkg")],
                        executable: "/usr/bin/python3")
        #expect(r.status == 0 && r.out.isEmpty && r.err.isEmpty, "\(String(decoding: r.out, as: UTF8.self).prefix(800)) \(r.err.prefix(800))")
    }

    /// The R-tree triggers work when a client that has the ST_ functions (GDAL) edits the file.
    @Test func rtreeTriggersKeepTheIndexWhenGDALEdits() throws {
        let dir = Fixture.temporaryDirectory("edit")
        let copy = (dir as NSString).appendingPathComponent("copy.gpkg")
        try FileManager.default.copyItem(atPath: (Fixture.exportDirectory as NSString).appendingPathComponent("wangge.gpkg"), toPath: copy)
        func sql(_ q: String) throws -> String { String(decoding: try run("ogrinfo", package: "gdal-bin", ["-q", copy, "-sql", q]).out, as: UTF8.self) }
        #expect(try sql("SELECT COUNT(*) AS n FROM rtree_grids_geom").contains("n (Integer) = 204"))
        _ = try sql("UPDATE grids SET geom = NULL WHERE fid = 1")
        _ = try sql("DELETE FROM grids WHERE fid = 2")
        #expect(try sql("SELECT COUNT(*) AS n FROM rtree_grids_geom").contains("n (Integer) = 202"))
    }

    @Test func ogrinfoReadsEveryGeoJSONFile() throws {
        for (name, count) in Self.expected + [("blocks", Fixture.input.blocks!.features.count), ("landmarks", Fixture.input.landmarks.features.count),
                                              ("incidents", Fixture.input.incidents.features.count), ("addresses", Fixture.input.layers.addresses.count)] {
            let info = try ogrinfo((Fixture.exportDirectory as NSString).appendingPathComponent(name + ".geojson"))
            let ls = layers(inOgrinfo: info)
            #expect(ls.count == 1 && ls.first?.name == name && ls.first?.count == count, "\(name): \(ls)")
            #expect(ls.first?.epsg == 4326, "\(name)")
        }
    }

    @Test func geoJSONIsRFC7946WithSevenDecimalsAndSortedIDs() throws {
        let path = (Fixture.exportDirectory as NSString).appendingPathComponent("grids.geojson")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("{\"type\":\"FeatureCollection\",\"name\":\"grids\",\"coordinate_system\":\"WGS-84 (EPSG:4326, RFC 7946)\""))
        let fc = try GeoJSONReader().readFeatureCollection(contentsOf: path)
        let codes = fc.features.map { $0.string("code")! }
        #expect(codes == codes.sorted() && codes.count == 204)
        // No coordinate has more than 7 decimals.
        let decimals = text.split(whereSeparator: { !"0123456789.".contains($0) }).compactMap { $0.split(separator: ".").dropFirst().first?.count }
        #expect((decimals.max() ?? 0) <= 7)
        // Exterior rings counter-clockwise (right-hand rule).
        for f in fc.features { for p in f.geometry!.polygons { #expect(Ring.isCounterClockwise(p.exterior)) } }
    }

    @Test func gcj02ExportIsOffsetAndSaysSo() throws {
        let dir = Fixture.temporaryDirectory("gcj02")
        _ = try DistrictExport(Fixture.input).write(to: dir, crs: .gcj02)
        let path = (dir as NSString).appendingPathComponent("villages.geojson")
        let fc = try GeoJSONReader().readFeatureCollection(contentsOf: path)
        #expect(fc[foreignMember: "coordinate_system"]?.stringValue?.hasPrefix("GCJ-02") == true)
        let wgs = try GeoJSONReader().readFeatureCollection(contentsOf: (Fixture.exportDirectory as NSString).appendingPathComponent("villages.geojson"))
        let a = wgs.features[0].geometry!.envelope!, b = fc.features[0].geometry!.envelope!
        // The GCJ-02 offset in Sichuan is a few hundred metres: about 0.002–0.006° each way.
        #expect(abs(b.minX - a.minX) > 0.001 && abs(b.minX - a.minX) < 0.01)
        #expect(abs(b.minY - a.minY) > 0.0005 && abs(b.minY - a.minY) < 0.01)
        // GDAL still opens it (it cannot know the offset; the member tells people).
        #expect(layers(inOgrinfo: try ogrinfo(path)).first?.count == 148)
    }

    /// A CSV the export wrote, after checking it starts with the UTF-8 byte-order mark Excel needs.
    func csvText(_ name: String) throws -> String {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: (Fixture.exportDirectory as NSString).appendingPathComponent(name))))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "\(name) has no UTF-8 byte-order mark")
        return String(decoding: bytes.dropFirst(3), as: UTF8.self)
    }

    /// A grid file that names its workers (`wangge staff --grids-out`) exports them: grids.csv
    /// and the GeoPackage carry name, phone, roster id and staff hours.
    @Test func aStaffedGridFileExportsItsWorkers() throws {
        var grids = Fixture.input.grids
        for k in grids.features.indices {
            GridWorker.set(GridWorker(id: String(format: "P%05d", k), name: "网格员\(k)", phone: "1380000\(1000 + k)"),
                           staffHours: 40.25, on: &grids.features[k])
        }
        let input = try ExportInput(boundaries: Fixture.input.boundaries, layers: Fixture.input.layers, grids: grids, blocks: nil)
        let dir = Fixture.temporaryDirectory("staffed")
        _ = try DistrictExport(input).write(to: dir)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/grids.csv")))
        let rows = String(decoding: bytes.dropFirst(3), as: UTF8.self).split(separator: "\n").dropFirst()
        #expect(rows.count == 204)
        let workers = Dictionary(uniqueKeysWithValues: grids.features.map { ($0.string("code")!, GridWorker($0)!) })
        for row in rows {
            let f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let w = try #require(workers[f[0]])
            #expect(Array(f[7...]) == [w.name, w.phone, w.id, "40.3"], "\(row)")
        }
        let r = try run("ogrinfo", package: "gdal-bin", ["-q", "-where", "fid = 1", dir + "/wangge.gpkg", "grids"])
        let info = String(decoding: r.out, as: UTF8.self)
        #expect(r.status == 0 && info.contains("worker_phone (String) = 1380000") && info.contains("worker (String) = 网格员"), "\(info)")
        #expect(info.contains("staff_hours (Real) = 40.3"))
    }

    /// The cases layer carries its grid (the grid of the case's own village that holds the point),
    /// its deadline and light, and typed times: ISO 8601 in GeoJSON, DATETIME in the GeoPackage.
    /// Lights are checked against Foundation's ISO 8601 parser (an independent reading).
    @Test func incidentsCarryGridDeadlineAndLight() throws {
        let fc = try GeoJSONReader().readFeatureCollection(contentsOf: Fixture.exportDirectory + "/incidents.geojson")
        #expect(fc.features.count == 6610)
        let iso = ISO8601DateFormatter()
        var red = 0, expectedRed = 0
        for f in fc.features {
            let grid = try #require(f.string("grid_code"), "\(f.id?.text ?? "?") has no grid")
            #expect(grid.hasPrefix(f.string("village_code")!))
            let reported = try #require(iso.date(from: f.string("reported_at")!))
            let resolved = try #require(iso.date(from: f.string("resolved_at")!))
            let deadlineText = try #require(f.string("deadline"))
            let deadline = try #require(iso.date(from: deadlineText))
            #expect(abs(deadline.timeIntervalSince(reported) - f.double("deadline_hours")! * 3600) < 1)
            if resolved > deadline { expectedRed += 1 }
            if f.string("light") == "red" { red += 1 } else { #expect(f.string("light") == "green") }
        }
        #expect(red == expectedRed && red > 0)
        let landmarks = try GeoJSONReader().readFeatureCollection(contentsOf: Fixture.exportDirectory + "/landmarks.geojson")
        #expect(landmarks.features.allSatisfy { ($0.string("grid_code") ?? "").hasPrefix($0.string("village_code") ?? "-") })
        // GDAL reads the times as DateTime, in UTC (the GeoPackage form), and the first case's
        // report time 2025-11-01T00:00:00+08:00 as 2025/10/31 16:00:00.
        let summary = try run("ogrinfo", package: "gdal-bin", ["-so", Fixture.exportDirectory + "/wangge.gpkg", "incidents"])
        let info = String(decoding: summary.out, as: UTF8.self)
        for column in ["reported_at: DateTime", "resolved_at: DateTime", "deadline: DateTime", "grid_code: String", "light: String"] {
            #expect(info.contains(column), "\(column)")
        }
        let r = try run("ogrinfo", package: "gdal-bin", ["-q", "-where", "id = 'C00001'", Fixture.exportDirectory + "/wangge.gpkg", "incidents"])
        #expect(String(decoding: r.out, as: UTF8.self).contains("reported_at (DateTime) = 2025/10/31 16:00:00"))
    }

    @Test func csvTablesOfGridsAndAssignments() throws {
        let grids = try csvText("grids.csv")
        let rows = grids.split(separator: "\n")
        #expect(rows.first == "code,name,village,township,households,residents,workload,worker,worker_phone,worker_id,staff_hours")
        #expect(rows.count == 205)
        #expect(rows[1].split(separator: ",", omittingEmptySubsequences: false).count == 11)
        #expect(rows[1].hasSuffix(",,,,"))   // the partition names no worker: blank until `wangge staff --grids-out`
        let total = rows.dropFirst().reduce(0) { $0 + Int($1.split(separator: ",", omittingEmptySubsequences: false)[4])! }
        #expect(total == Fixture.input.layers.addresses.reduce(0) { $0 + $1.households })

        let assignments = try csvText("assignments.csv")
        let lines = assignments.split(separator: "\n")
        #expect(lines.first == "kind,id,village_code,grid_code")
        let blocks = lines.filter { $0.hasPrefix("block,") }, addresses = lines.filter { $0.hasPrefix("address,") }
        #expect(blocks.count == Fixture.input.blocks!.features.count)
        #expect(addresses.count == Fixture.input.layers.addresses.count)
        // Every address lies in a grid of its own village.
        let bad = addresses.filter { l in
            let f = l.split(separator: ",", omittingEmptySubsequences: false)
            return f[3].isEmpty || !f[3].hasPrefix(f[2])
        }
        #expect(bad.isEmpty, "\(bad.prefix(3))")
    }

    @Test func sameInputSameBytes() throws {
        let dir = Fixture.temporaryDirectory("again")
        let files = try DistrictExport(Fixture.input).write(to: dir)
        for f in files {
            let name = (f.path as NSString).lastPathComponent
            #expect(FileManager.default.contents(atPath: f.path) == FileManager.default.contents(atPath: (Fixture.exportDirectory as NSString).appendingPathComponent(name)), "\(name)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }.isEmpty)
    }
}
