import Foundation
import Testing
import WanggeGeoJSON
import WanggeTestSupport

// The proof that nothing of Shawan is wired into the tool: boundaries/jinkouhe/ is 乐山市金口河区
// (adcode 511113; its real outline and its 6 townships' and 45 villages' real names, synthetic
// inside), made by the same generator from boundaries/jinkouhe/source/. The real `wangge` binary
// runs partition, validate, assign, gazetteer + geocode, export and map on it, and every answer
// is checked against that district's own files.

/// The package root (this file is Tests/WanggeCLITests/…).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let jinkouhe = packageRoot.appendingPathComponent("boundaries/jinkouhe").path

/// The `wangge` built beside the test bundle (`swift test` builds every product).
func wanggeBinary() throws -> String {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("wangge").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/wangge").path
}

struct Run {
    let status: Int32
    let out: String
    let err: String
}

/// The binary through the shared client runner (both pipes read at once, standard input written).
@discardableResult
func wangge(_ arguments: [String], stdin: String? = nil) throws -> Run {
    let r = try run("wangge", package: "the package itself: run `swift build`", arguments, stdin: stdin.map { Data($0.utf8) },
                    executable: try wanggeBinary())
    return Run(status: r.status, out: String(decoding: r.out, as: UTF8.self), err: r.err)
}

func expectSuccess(_ r: Run, _ what: String) {
    #expect(r.status == 0, "\(what) failed (\(r.status)): \(r.err.suffix(2000))")
}

/// The district's addresses as the generator wrote them: full address, village code, lon, lat.
func addressRecords() throws -> [(address: String, village: String, lon: String, lat: String)] {
    let dir = jinkouhe + "/addresses"
    var out: [(String, String, String, String)] = []
    for file in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where file.hasSuffix(".csv") {
        let lines = try String(contentsOfFile: dir + "/" + file, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let col = { (name: String) in header.firstIndex(of: name)! }
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            out.append((f[col("address")], f[col("village_code")], f[col("lon")], f[col("lat")]))
        }
    }
    return out
}

@Suite(.serialized) struct SecondDistrictTests {
    let work: String

    init() throws {
        work = (NSTemporaryDirectory() as NSString).appendingPathComponent("wangge-second-district-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    }

    @Test func theWholePipelineRunsOnAnotherDistrict() throws {
        defer { try? FileManager.default.removeItem(atPath: work) }
        let villages = try GeoJSONReader().read(contentsOf: jinkouhe + "/villages.geojson").featureCollection.features
        let villageCodes = Set(villages.compactMap { $0[property: "code"]?.stringValue })
        #expect(villageCodes.count == 45)
        #expect(villageCodes.allSatisfy { $0.hasPrefix("511113") })

        // partition: the district's own grid count (district.geojson's "grids": 56), every grid
        // inside one of its villages, every village with a grid.
        let plan = work + "/plan"
        expectSuccess(try wangge(["partition", "--boundaries", jinkouhe, "--out", plan]), "partition")
        let grids = try GeoJSONReader().read(contentsOf: plan + "/grids.geojson").featureCollection.features
        #expect(grids.count == 56)
        let gridVillages = grids.compactMap { $0[property: "village_code"]?.stringValue }
        #expect(gridVillages.count == 56)
        #expect(Set(gridVillages) == villageCodes)
        for g in grids {
            let code = g[property: "code"]?.stringValue ?? ""
            #expect(code.hasPrefix(g[property: "village_code"]?.stringValue ?? "-"), "grid \(code) is not numbered in its village")
        }

        // validate: tiling, nesting and contiguity against the district's own boundaries.
        expectSuccess(try wangge(["validate", plan + "/grids.geojson", "--boundaries", jinkouhe]), "validate")

        // assign: each house's point lands in a grid of the village it was generated in.
        let records = try addressRecords()
        #expect(records.count > 10_000)
        let sample = stride(from: 0, to: records.count, by: 37).map { records[$0] }
        let csv = "id,lon,lat\n" + sample.enumerated().map { "\($0.offset),\($0.element.lon),\($0.element.lat)" }.joined(separator: "\n") + "\n"
        try csv.write(toFile: work + "/points.csv", atomically: true, encoding: .utf8)
        let assigned = try wangge(["assign", "--grids", plan + "/grids.geojson", "--boundaries", jinkouhe,
                                   "--in", work + "/points.csv", "--out", "-", "--format", "jsonl"])
        expectSuccess(assigned, "assign")
        let rows = assigned.out.split(separator: "\n")
        #expect(rows.count == sample.count)
        var inOwnVillage = 0
        for (row, record) in zip(rows, sample) where row.contains("\"grid_code\":\"\(record.village)") { inOwnVillage += 1 }
        #expect(inOwnVillage == sample.count, "\(sample.count - inOwnVillage) of \(sample.count) points assigned outside their village")

        // gazetteer + geocode: full addresses come back to their village and a grid of it; another
        // Leshan district (Shawan) is outside, and this district's own name is not.
        let gazetteer = work + "/gazetteer.sqlite"
        expectSuccess(try wangge(["gazetteer", "build", "--boundaries", jinkouhe, "--grids", plan + "/grids.geojson", "--out", gazetteer]),
                      "gazetteer build")
        let asked = stride(from: 0, to: records.count, by: 151).map { records[$0] }
        let geocoded = try wangge(["geocode", "--gazetteer", gazetteer, "--grids", plan + "/grids.geojson", "--batch", "-", "--format", "jsonl"],
                                  stdin: asked.map(\.address).joined(separator: "\n") + "\n")
        expectSuccess(geocoded, "geocode --batch")
        let answers = geocoded.out.split(separator: "\n")
        #expect(answers.count == asked.count)
        var right = 0
        for (answer, record) in zip(answers, asked)
        where answer.contains("\"status\":\"matched\"") && answer.contains("\"village_code\":\"\(record.village)\"")
            && answer.contains("\"grid\":\"\(record.village)") { right += 1 }
        #expect(right == asked.count, "\(asked.count - right) of \(asked.count) generated addresses not matched to their village and grid")
        let outside = try wangge(["geocode", "--gazetteer", gazetteer, "--grids", plan + "/grids.geojson", "乐山市沙湾区踏水镇公坪村3组44号"])
        #expect(outside.out.contains("\"status\":\"outside\""), "Shawan read as inside 金口河区: \(outside.out)")
        let own = try wangge(["geocode", "--gazetteer", gazetteer, "--grids", plan + "/grids.geojson", "四川省乐山市金口河区永和镇"])
        #expect(own.out.contains("\"township\":\"永和镇\"") && !own.out.contains("\"status\":\"outside\""), "own district read as outside: \(own.out)")

        // export and map: the layers written, named after this district, not Shawan.
        let export = work + "/export"
        expectSuccess(try wangge(["export", "--boundaries", jinkouhe, "--grids", plan + "/grids.geojson", "--out", export]), "export")
        let exported = try GeoJSONReader().read(contentsOf: export + "/grids.geojson").featureCollection.features
        #expect(exported.count == 56)
        #expect(FileManager.default.fileExists(atPath: export + "/wangge.gpkg"))
        expectSuccess(try wangge(["map", "--boundaries", jinkouhe, "--grids", plan + "/grids.geojson",
                                  "--out", work + "/map.html", "--svg", work + "/map.svg"]), "map")
        let html = try String(contentsOfFile: work + "/map.html", encoding: .utf8)
        #expect(html.contains("金口河区"))
        #expect(!html.contains("沙湾区"), "the map of 金口河区 names 沙湾区")
        let svg = try String(contentsOfFile: work + "/map.svg", encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("金口河"))

        // plan: the store from the partition, then a grid split along a line drawn across it (WKT,
        // longitude/latitude; straight through its centre, crossing its outline exactly twice).
        let store = work + "/plan.gpkg"
        expectSuccess(try wangge(["plan", "init", "--from", plan, "--store", store, "--boundaries", jinkouhe, "--now", "2026-12-01T05:00:00Z"]), "plan init")
        let gridFeatures = try GeoJSONReader().read(contentsOf: plan + "/grids.geojson").featureCollection.features
        var cut: (code: String, wkt: String)?
        for f in gridFeatures where cut == nil {
            guard let code = f[property: "code"]?.stringValue, let ring = f.geometry?.polygons.first?.exterior, ring.count > 3 else { continue }
            let n = Double(ring.count - 1)
            let cx = ring.dropLast().reduce(0) { $0 + $1.x } / n, cy = ring.dropLast().reduce(0) { $0 + $1.y } / n
            for angle in stride(from: 0.0, to: 180.0, by: 15.0) {
                let dx = cos(angle * .pi / 180) * 0.2, dy = sin(angle * .pi / 180) * 0.2
                let (p0, p1) = ((cx - dx, cy - dy), (cx + dx, cy + dy))
                var ts: [Double] = []
                for k in 1..<ring.count {
                    let (q0, q1) = (ring[k - 1], ring[k])
                    let rx = p1.0 - p0.0, ry = p1.1 - p0.1, sx = q1.x - q0.x, sy = q1.y - q0.y, den = rx * sy - ry * sx
                    guard den != 0 else { continue }
                    let t = ((q0.x - p0.0) * sy - (q0.y - p0.1) * sx) / den, u = ((q0.x - p0.0) * ry - (q0.y - p0.1) * rx) / den
                    if t >= 0, t <= 1, u >= 0, u < 1 { ts.append(t) }
                }
                guard ts.count == 2, f.geometry?.polygons.count == 1, f.geometry?.polygons.first?.holes.isEmpty == true else { continue }
                let margin = 0.0005 / 0.4   // about 50 m beyond each crossing
                let (t0, t1) = (ts.min()! - margin, ts.max()! + margin)
                let a = (p0.0 + t0 * (p1.0 - p0.0), p0.1 + t0 * (p1.1 - p0.1)), b = (p0.0 + t1 * (p1.0 - p0.0), p0.1 + t1 * (p1.1 - p0.1))
                cut = (code, String(format: "LINESTRING (%.7f %.7f, %.7f %.7f)", a.0, a.1, b.0, b.1))
                break
            }
        }
        let (code, wkt) = try #require(cut, "no grid of 金口河区 with a straight line across it")
        let split = try wangge(["plan", "split", code, "--line", wkt, "--store", store, "--boundaries", jinkouhe, "--now", "2026-12-01T05:10:00Z"])
        expectSuccess(split, "plan split --line")
        #expect(split.out.contains("split \(code) along a drawn line") && split.out.contains("1 grid(s) added"))
        let log = try wangge(["plan", "log", "--store", store])
        #expect(log.out.contains("split") && log.out.contains("* 2"))
        // Both ways of splitting at once, or a polygon for a line: refused, naming what is wrong.
        let both = try wangge(["plan", "split", code, "--line", wkt, "--blocks", "x", "--store", store, "--boundaries", jinkouhe])
        #expect(both.status != 0 && both.err.contains("give either --blocks or --line"))
        let polygon = try wangge(["plan", "split", code, "--line", "POLYGON ((103 29, 103.1 29, 103.1 29.1, 103 29))", "--store", store, "--boundaries", jinkouhe])
        #expect(polygon.status != 0 && polygon.err.contains("WKT Polygon; expected one LINESTRING"), "\(polygon.err)")
    }
}
