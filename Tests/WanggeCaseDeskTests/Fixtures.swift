import Foundation
import WanggeCaseDesk
import WanggeCases

enum Bundled {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var boundaries: String { root.appendingPathComponent("boundaries").path }
    static var incidents: String { root.appendingPathComponent("boundaries/incidents.geojson").path }

    /// A grid file with one grid per village (the village's own polygon: a plan that tiles every
    /// village), each coded village code + "001" — tests must not depend on out/.
    static let gridFile: String = {
        let dir = scratch()
        let path = dir + "/grids.geojson"
        do {
            let data = try Data(contentsOf: root.appendingPathComponent("boundaries/villages.geojson"))
            guard let villages = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let features = villages["features"] as? [[String: Any]] else { fatalError("villages.geojson is not a FeatureCollection") }
            let grids = features.compactMap { f -> [String: Any]? in
                guard let p = f["properties"] as? [String: Any], let code = p["code"] as? String, let geometry = f["geometry"] else { return nil }
                return ["type": "Feature", "id": code + "001", "geometry": geometry,
                        "properties": ["code": code + "001", "name": "\(p["name"] ?? "") 1", "village": p["name"] ?? "",
                                       "village_code": code, "township": p["township"] ?? "", "township_code": p["township_code"] ?? ""]]
            }
            try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": grids], options: [.sortedKeys])
                .write(to: URL(fileURLWithPath: path))
        } catch { fatalError("cannot write the test grid file: \(error)") }
        return path
    }()

    static let grids: CaseGrids = {
        do { return try CaseGrids(path: gridFile) } catch { fatalError("\(error)") }
    }()

    /// The bundled history, read once for the suites that need it.
    static let imported: IncidentImport.Result = {
        do { return try IncidentImport.read(path: incidents, grids: grids, ladder: CaseLadder()) } catch { fatalError("\(error)") }
    }()
}

func scratch() -> String {
    let dir = NSTemporaryDirectory() + "wangge-cases-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}
