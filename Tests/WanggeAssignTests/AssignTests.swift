import WanggeTestSupport
import Foundation
import Testing
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeAssign
import WanggeIO

/// Real geometry: the bundled villages (148 polygons tiling Shawan) used as a grid file, so the
/// tests don't depend on `wangge partition` having run.
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let villagesPath = root.appendingPathComponent("boundaries/villages.geojson").path
    static let collection = try! GeoJSONReader().readFeatureCollection(contentsOf: villagesPath)
    static let set = try! GridSet(collection: collection)

    static func run(_ input: String, _ options: AssignOptions) throws -> (String, AssignSummary, [String]) {
        try run(Array(input.utf8), options)
    }

    static func run(_ input: [UInt8], _ options: AssignOptions) throws -> (String, AssignSummary, [String]) {
        let pipeline = try AssignPipeline(grids: set, options: options)
        var messages: [String] = []
        pipeline.diagnostic = { messages.append($0) }
        let out = MemoryStream()
        let summary = try pipeline.runCSV(MemoryStream(input), out)
        return (out.string, summary, messages)
    }

    /// Column `name` of each data row of a CSV without quoted commas.
    static func column(_ csv: String, _ name: String) -> [String] {
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let i = lines[0].firstIndex(of: name)!
        return lines.dropFirst().map { $0[i] }
    }
}

@Suite struct PipelineTests {
    let set = Fixture.set

    func interiorPoints(_ n: Int) throws -> [(Coordinate, String)] {
        let ctx = GEOSContext()
        return try set.index.geometries.prefix(n).enumerated().map { i, polys in
            (try ctx.geometry(from: .multiPolygon(polys)).pointOnSurface().pointCoordinate()!, set.grids[i].code)
        }
    }

    @Test func gcj02InputEqualsWGS84() throws {
        let points = try interiorPoints(40)
        let toGCJ = try CoordinateTransform(from: .wgs84, to: .gcj02)
        var wgs = "id,lon,lat\n", gcj = "id,lon,lat\n"
        for (k, (c, _)) in points.enumerated() {
            let g = try toGCJ.transform(c)
            wgs += "\(k),\(c.x),\(c.y)\n"
            gcj += "\(k),\(g.x),\(g.y)\n"
        }
        var options = AssignOptions()
        let (a, _, _) = try Fixture.run(wgs, options)
        options.crs = .gcj02
        let (b, _, _) = try Fixture.run(gcj, options)
        #expect(Fixture.column(a, "grid_code") == points.map(\.1))
        #expect(Fixture.column(b, "grid_code") == Fixture.column(a, "grid_code"))
    }

    @Test func gbkCSVParses() throws {
        // "编号,名称,经度,纬度\n1,沙湾区嘉农镇,<lon>,<lat>\n" in GBK (bytes from Python's codecs).
        let (c, code) = try interiorPoints(1)[0]
        var bytes: [UInt8] = [177, 224, 186, 197, 44, 195, 251, 179, 198, 44, 190, 173, 182, 200, 44, 206, 179, 182, 200, 10,
                              49, 44, 201, 179, 205, 229, 199, 248, 188, 206, 197, 169, 213, 242, 44]
        bytes += Array("\(c.x),\(c.y)\r\n".utf8)
        #expect(TextEncoding.detect(bytes) == .gb18030)
        let (out, summary, _) = try Fixture.run(bytes, AssignOptions())
        #expect(summary.encoding == .gb18030)
        #expect(summary.rows == 1)
        #expect(out.hasPrefix("编号,名称,经度,纬度,grid_code"))
        #expect(out.contains("1,沙湾区嘉农镇,"))
        #expect(Fixture.column(out, "grid_code") == [code])
        // UTF-8 with a BOM, same content.
        let (utf, s2, _) = try Fixture.run([0xEF, 0xBB, 0xBF] + Array("编号,名称,经度,纬度\n1,沙湾区嘉农镇,\(c.x),\(c.y)\n".utf8), AssignOptions())
        #expect(s2.encoding == .utf8)
        #expect(utf == out)
        // A UTF-8 sample followed by a GBK row (detection looks at the first MiB): that row is
        // decoded as GB18030 rather than passed on as invalid UTF-8.
        var mixed = Array("编号,名称,经度,纬度\n".utf8)
        for _ in 0..<40_000 { mixed += Array("0,点,\(c.x),\(c.y)\n".utf8) }  // > 1 MiB of UTF-8
        mixed += bytes.split(separator: 10, maxSplits: 1)[1]
        let (m, s3, _) = try Fixture.run(mixed, AssignOptions())
        #expect(s3.encoding == .utf8 && s3.rows == 40_001)
        #expect(m.contains("1,沙湾区嘉农镇,"))
    }

    @Test func badRowsAreReportedWithLineNumbersAndCounted() throws {
        let (c, code) = try interiorPoints(1)[0]
        let csv = """
            id,lon,lat
            1,\(c.x),\(c.y)
            2,abc,29.4
            3,"\(c.x)","\(c.y)"

            4,103.5
            5,1e400,29.4
            6,\(c.x),\(c.y)
            """
        let (out, summary, messages) = try Fixture.run(csv, AssignOptions())
        #expect(summary.rows == 3)
        #expect(summary.skipped == 3)
        #expect(summary.skippedLines == [3, 6, 7])
        #expect(messages.count == 3)
        #expect(messages[0].contains("line 3"))
        #expect(Fixture.column(out, "grid_code") == [code, code, code])
    }

    @Test func outputsRoundTrip() throws {
        var csv = "id,名称,lon,lat\n"
        let points = try interiorPoints(10)
        for (k, (c, _)) in points.enumerated() { csv += "\(k),\"点,\(k)\",\(c.x),\(c.y)\n" }
        csv += "99,far,103.2,29.0\n"
        var options = AssignOptions()
        let (csvOut, s1, _) = try Fixture.run(csv, options)
        #expect(s1.rows == 11 && s1.outside == 1)
        options.output = .jsonl
        let (jsonl, _, _) = try Fixture.run(csv, options)
        options.output = .geojson
        let (geojson, _, _) = try Fixture.run(csv, options)

        let objects = try jsonl.split(separator: "\n").map { try JSONValue.parse(String($0)).objectValue! }
        #expect(objects.count == 11)
        #expect(objects.prefix(10).map { $0["grid_code"]!.stringValue! } == points.map(\.1))
        #expect(objects[3]["名称"]?.stringValue == "点,3")
        #expect(objects[10]["status"]?.stringValue == "outside")
        #expect(objects[10]["grid_code"]?.isNull == true)
        #expect((objects[10]["distance_m"]?.doubleValue ?? 0) > 1000)

        let fc = try GeoJSONReader().readFeatureCollection(Data(geojson.utf8))
        #expect(fc.features.count == 11)
        #expect(fc.features.prefix(10).map { $0.string("grid_code")! } == points.map(\.1))
        for (f, (c, _)) in zip(fc.features, points) {
            guard case .point(let p)? = f.geometry else { Issue.record("no point"); continue }
            #expect(abs(p.x - c.x) < 1e-7 && abs(p.y - c.y) < 1e-7)
        }
        #expect(fc.features[10].string("nearest_grid") == objects[10]["nearest_grid"]?.stringValue)

        // CSV: the quoted field survives, the codes are those of the JSON outputs.
        #expect(csvOut.contains("3,\"点,3\","))
        let codes = csvOut.split(separator: "\n").dropFirst().map { line -> String in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return String(f[f.count - assignColumns.count])   // grid_code, the first added column
        }
        #expect(Array(codes.prefix(10)) == points.map(\.1))

        // GeoJSON in (our own output) → JSON lines out: input columns that clash are renamed.
        var jsonOptions = AssignOptions()
        jsonOptions.output = .jsonl
        let pipeline = try AssignPipeline(grids: set, options: jsonOptions)
        let out = MemoryStream()
        let s2 = try pipeline.runGeoJSON(Data(geojson.utf8), fileName: nil, out)
        #expect(s2.rows == 11)
        let again = try out.string.split(separator: "\n").map { try JSONValue.parse(String($0)).objectValue! }
        #expect(again.prefix(10).map { $0["grid_code"]!.stringValue! } == points.map(\.1))
        #expect(again.prefix(10).map { $0["input_grid_code"]!.stringValue! } == points.map(\.1))
        #expect(again[3]["名称"]?.stringValue == "点,3")
    }

    /// Found by fuzzing (tools/Fuzz/crashes/assign/): rows whose coordinates are finite but absurd
    /// (lon 1e20 reaching the lattice, lat 999999999999 overflowing Int64 at 7 decimals) trapped.
    /// In degrees they are now refused as out of range with their line; in a projected input CRS
    /// they pass that check and must come out (outside, or skipped if PROJ refuses) without a trap.
    @Test func absurdCoordinatesNeverTrap() throws {
        let csv = "id,lon,lat\n1,1e20,29.3\n2,3,999999999999\n3,103.5,-999999999999.5\n"
        for output in OutputFormat.allCases {
            var options = AssignOptions()
            options.output = output
            let (_, degrees, messages) = try Fixture.run(csv, options)
            #expect(degrees.rows == 0 && degrees.skippedLines == [2, 3, 4], "\(output)")
            #expect(messages.allSatisfy { $0.contains("outside longitude") })
            options.crs = .epsg(4544)
            let (_, metres, _) = try Fixture.run(csv, options)
            #expect(metres.rows + metres.skipped == 3 && metres.inside == 0, "\(output)")
        }
    }

    @Test func fixedDecimalsFallBackWhenTheyDoNotFitInt64() {
        func fixed(_ v: Double, _ decimals: Int) -> String {
            var out: [UInt8] = []
            Format.appendFixed(&out, v, decimals)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(fixed(103.5, 7) == "103.5000000")
        #expect(fixed(-0.25, 1) == "-0.3")
        #expect(fixed(999999999999, 7) == "999999999999.0")
        #expect(fixed(-999999999999, 7) == "-999999999999.0")
        #expect(fixed(99999999999, 7) == "99999999999.0000000")
        #expect(fixed(999999999999, 1) == "999999999999.0")
    }

    @Test func chunkBoundariesDoNotMatter() throws {
        let points = try interiorPoints(30)
        var csv = "id,lon,lat\n"
        for (k, (c, _)) in points.enumerated() { csv += "\(k),\(c.x),\(c.y)\n" }
        var options = AssignOptions()
        options.chunkRows = 7
        let (a, _, _) = try Fixture.run(csv, options)
        #expect(Fixture.column(a, "grid_code") == points.map(\.1))
    }
}

/// The grid worker a grid file names comes out beside the grid, in every output format; a grid
/// naming nobody gives blanks (CSV) or nulls (JSON), and so does a point outside.
@Suite struct GridWorkerColumnTests {
    @Test func answersNameTheGridWorker() throws {
        var collection = Fixture.collection
        for k in collection.features.indices where k % 2 == 0 {
            GridWorker.set(GridWorker(id: "P\(k)", name: "网格员\(k)", phone: "1380000\(1000 + k)"), staffHours: 60, on: &collection.features[k])
        }
        let set = try GridSet(collection: collection)
        let ctx = GEOSContext()
        var rows = "id,lon,lat\n"
        var expected: [(String, String)] = []
        for k in [0, 1, 2, 3] {
            let p = try ctx.geometry(from: collection.features[k].geometry!).pointOnSurface().pointCoordinate()!
            rows += "\(k),\(p.x),\(p.y)\n"
            expected.append(k % 2 == 0 ? ("网格员\(k)", "1380000\(1000 + k)") : ("", ""))
        }
        rows += "9,100,20\n"
        expected.append(("", ""))
        let pipeline = try AssignPipeline(grids: set, options: AssignOptions())
        pipeline.diagnostic = { _ in }
        let out = MemoryStream()
        _ = try pipeline.runCSV(MemoryStream(Array(rows.utf8)), out)
        #expect(out.string.hasPrefix("id,lon,lat," + assignColumns.joined(separator: ",") + "\n"))
        #expect(Fixture.column(out.string, "grid_worker") == expected.map(\.0))
        #expect(Fixture.column(out.string, "grid_worker_phone") == expected.map(\.1))

        var options = AssignOptions()
        options.output = .jsonl
        let json = try AssignPipeline(grids: set, options: options)
        json.diagnostic = { _ in }
        let jout = MemoryStream()
        _ = try json.runCSV(MemoryStream(Array(rows.utf8)), jout)
        let objects = try jout.string.split(separator: "\n").map { try JSONValue.parse(String($0)).objectValue! }
        for (o, (name, phone)) in zip(objects, expected) {
            #expect(o["grid_worker"] == (name.isEmpty ? .null : .string(name)))
            #expect(o["grid_worker_phone"] == (phone.isEmpty ? .null : .string(phone)))
        }
    }
}
