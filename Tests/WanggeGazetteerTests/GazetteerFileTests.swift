import Foundation
import GRDB
import Testing
@testable import WanggeGazetteer
import WanggeIO
import WanggeStore

private func scratch() -> String {
    let dir = NSTemporaryDirectory() + "wangge-gazfile-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// A grid file with one grid per village (the village's own polygon: a plan that tiles every
/// village), each coded village code + `suffix`.
private func oneGridPerVillage(suffix: String, workers: [String: [String: String]] = [:]) throws -> Data {
    let villages = try JSONSerialization.jsonObject(with: Data(contentsOf: Bundled.root.appendingPathComponent("boundaries/villages.geojson"))) as! [String: Any]
    let features = (villages["features"] as! [[String: Any]]).map { f -> [String: Any] in
        let p = f["properties"] as! [String: Any]
        let code = (p["code"] as! String) + suffix
        return ["type": "Feature", "id": code, "geometry": f["geometry"]!,
                "properties": ["code": code, "name": "\(p["name"]!) \(suffix)", "village": p["name"]!, "village_code": p["code"]!,
                               "township": p["township"]!, "township_code": p["township_code"]!]
                    .merging(workers[code] ?? [:], uniquingKeysWith: { a, _ in a })]
    }
    return try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": features], options: [.sortedKeys])
}

@Suite struct GazetteerFollowsThePlanTests {
    @Test func redrawnGridsAreNoticedAndTheRebuildNamesTheNewGrids() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let grids = dir + "/grids.geojson", copy = dir + "/copy.geojson"
        let boundaries = Bundled.root.appendingPathComponent("boundaries").path
        let address = "福禄镇费林湾村1组27号"
        try oneGridPerVillage(suffix: "001").write(to: URL(fileURLWithPath: grids))
        let first = try GazetteerBuilder.build(boundaries: boundaries, grids: grids)
        let meta = Dictionary(uniqueKeysWithValues: first.meta.map { ($0.key, $0.value) })
        #expect(meta["grids_path"] == grids)
        #expect(meta["grids_stamp"] == (try FNV1a.stamp(ofFile: grids)))
        // Written and read back, the record survives.
        try first.write(to: dir + "/gazetteer.sqlite")
        let stored = try Gazetteer.read(from: dir + "/gazetteer.sqlite")
        #expect(try GazetteerFreshness.check(stored, grids: grids) == .current)
        #expect(try GazetteerFreshness.check(stored, grids: nil) == .current)
        #expect(AddressMatcher(gazetteer: stored).geocode(address).grid == "511111106214001")
        // The same content under another name is the same plan.
        try FileManager.default.copyItem(atPath: grids, toPath: copy)
        #expect(try GazetteerFreshness.check(stored, grids: copy) == .current)

        // Redrawn: same villages, new grids.
        try oneGridPerVillage(suffix: "002").write(to: URL(fileURLWithPath: grids))
        guard case .stale(let reason) = try GazetteerFreshness.check(stored, grids: grids) else {
            Issue.record("a changed grid file went unnoticed"); return
        }
        #expect(reason.contains(grids) && reason.contains("changed"))
        let rebuilt = try GazetteerBuilder.build(boundaries: boundaries, grids: grids)
        #expect(try GazetteerFreshness.check(rebuilt, grids: grids) == .current)
        #expect(try GazetteerFreshness.check(rebuilt, grids: copy) != .current)
        #expect(AddressMatcher(gazetteer: rebuilt).geocode(address).grid == "511111106214002")
    }

    @Test func gazetteersWithoutARecordAreStale() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("{}".utf8).write(to: URL(fileURLWithPath: dir + "/g.geojson"))
        // Built without grids.
        #expect(try GazetteerFreshness.check(Bundled.gazetteer, grids: dir + "/g.geojson") != .current)
        // Built by a version that recorded only the grid count.
        var old = Bundled.gazetteer
        old.meta = old.meta.filter { $0.key != "grids" } + [MetaRow(key: "grids", value: "204")]
        guard case .stale(let reason) = try GazetteerFreshness.check(old, grids: dir + "/g.geojson") else { Issue.record("not stale"); return }
        #expect(reason.contains("older version"))
        #expect(throws: IOError.self) { try GazetteerFreshness.check(old, grids: dir + "/missing.geojson") }
    }
}

@Suite struct GridWorkerAnswerTests {
    @Test func anAnswerNamesTheWorkerOfItsGrid() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let grids = dir + "/grids.geojson"
        let boundaries = Bundled.root.appendingPathComponent("boundaries").path
        // 费林湾村's grid names a worker, as `wangge staff --grids-out` writes it (the phone as a
        // number, as a QGIS user may leave it); 雷店村's names nobody.
        try oneGridPerVillage(suffix: "001", workers: [
            "511111106214001": ["worker": "王建国", "worker_phone": "13800000001", "worker_id": "P00001"],
            "511111106209001": ["worker": " ", "worker_phone": "13800000002"],
        ]).write(to: URL(fileURLWithPath: grids))
        try GazetteerBuilder.build(boundaries: boundaries, grids: grids).write(to: dir + "/gazetteer.sqlite")
        let stored = try Gazetteer.read(from: dir + "/gazetteer.sqlite")
        #expect(stored.gridWorkers == [GridWorkerRow(grid: "511111106214001", name: "王建国", phone: "13800000001", workerId: "P00001")])
        let matcher = AddressMatcher(gazetteer: stored)
        let r = matcher.geocode("福禄镇费林湾村1组27号")
        #expect(r.grid == "511111106214001" && r.gridWorker == "王建国" && r.gridWorkerPhone == "13800000001")
        #expect(r.jsonLine.contains("\"grid_worker\":{\"name\":\"王建国\",\"phone\":\"13800000001\"}"))
        #expect(r.csvLine.hasSuffix(",王建国,13800000001"))
        let none = matcher.geocode("福禄镇雷店村")
        #expect(none.grid == "511111106209001" && none.gridWorker == nil && !none.jsonLine.contains("grid_worker"))
    }

    @Test func aGazetteerOfTheEarlierSchemaIsReadAndStale() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/gazetteer.sqlite"
        try Bundled.gazetteer.write(to: path)
        // As the previous version wrote it: no grid_worker table, schema 2.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP TABLE grid_worker")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3: grid workers'")
            try db.execute(sql: "UPDATE meta SET value = '2' WHERE key = 'schema'")
        }
        try queue.close()
        let old = try Gazetteer.read(from: path)
        #expect(old.villages.count == 148 && old.gridWorkers.isEmpty)
        guard case .stale(let reason) = try GazetteerFreshness.check(old, grids: nil) else { Issue.record("not stale"); return }
        #expect(reason.contains("schema 2"))
    }
}

@Suite struct BadGazetteerFileTests {
    /// Whatever the file, an error that names it and says what it is — never a crash, and the
    /// file is left as it was.
    @Test func badFilesAreClearErrors() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let real = dir + "/real.sqlite"
        try Bundled.gazetteer.write(to: real)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: real))
        var cases: [(String, Data?, String)] = [
            ("text.sqlite", Data("this is not a database\n".utf8), "not an SQLite database"),
            ("empty.sqlite", Data(), "not a gazetteer"),
            ("truncated.sqlite", bytes.prefix(bytes.count / 3), "damaged"),
            ("header-only.sqlite", bytes.prefix(100), "damaged"),
            ("garbage.sqlite", Data((0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }), "not an SQLite database"),
        ]
        // Another program's SQLite file: a GeoPackage.
        try GeoPackageWriter().write([], to: dir + "/foreign.sqlite")
        cases.append(("foreign.sqlite", nil, "not a gazetteer"))
        try FileManager.default.createDirectory(atPath: dir + "/dir.sqlite", withIntermediateDirectories: true)
        cases.append(("dir.sqlite", nil, "directory"))
        for (name, content, says) in cases {
            let path = dir + "/" + name
            if let content { try content.write(to: URL(fileURLWithPath: path)) }
            let before = try? Data(contentsOf: URL(fileURLWithPath: path))
            #expect { try Gazetteer.read(from: path) } throws: { error in
                let text = "\(error)"
                return error is GazetteerError && text.contains(path) && text.contains(says)
            }
            #expect((try? Data(contentsOf: URL(fileURLWithPath: path))) == before, "\(name) was changed")
        }
    }
}
