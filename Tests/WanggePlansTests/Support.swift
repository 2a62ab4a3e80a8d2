import Foundation
import Testing
import WanggeDistrict
import WanggeGeoJSON
import WanggeGrids
import WanggePlans

/// The bundled district partitioned once (tests never read out/), and helpers.
enum Bundled {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let boundariesPath = root.appendingPathComponent("boundaries").path
    static let boundaries = try! DistrictBoundaries.load(directory: boundariesPath)
    static let layers = try! DistrictLayers.load(directory: boundariesPath, lines: false)
    static let plan: Plan = {
        let p = try! GridPlanner().plan(boundaries: boundaries, layers: try! DistrictLayers.load(directory: boundariesPath))
        let w = GridPlanWriter()
        // As the store keeps it (7 decimals): what every version read back is compared with.
        return try! Plan.decode(Plan(grids: try! w.gridsCollection(p), blocks: try! w.blocksCollection(p)).content(), store: "fixture")
    }()

    static func stamp(_ message: String, _ second: Int = 0) -> PlanStamp {
        PlanStamp(author: "tester", time: String(format: "2026-12-01T05:00:%02dZ", second), message: message)
    }

    static func temporaryDirectory(_ name: String) -> String {
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("wangge-plans-tests-\(getpid())/\(name)")
        try? FileManager.default.removeItem(atPath: dir)
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A fresh store at version 1 with the bundled plan.
    static func store(_ name: String) throws -> PlanBook {
        let book = PlanBook(path: (temporaryDirectory(name) as NSString).appendingPathComponent("plan.gpkg"))
        try book.initialize(plan, stamp: stamp("initial plan"))
        return book
    }

    static func write(_ grids: FeatureCollection, _ dir: String, _ name: String = "edited.geojson") throws -> String {
        let path = (dir as NSString).appendingPathComponent(name)
        try GeoJSONWriter().write(grids, toFile: path)
        return path
    }
}

struct ClientError: Error, CustomStringConvertible {
    var description: String
}

/// Runs a real client (GDAL); a missing one fails naming the Debian package (`make test` installs it).
@discardableResult
func run(_ tool: String, package: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let candidates = ((ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin").split(separator: ":").map { "\($0)/\(tool)" }
    guard let exe = tool.hasPrefix("/") ? tool : candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw ClientError(description: "\(tool) is not installed: install the Debian package \(package) (tools/ensure-test-clients.sh)")
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = arguments
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}
