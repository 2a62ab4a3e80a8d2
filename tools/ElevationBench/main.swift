// elevation-bench [BOUNDARIES_DIR]: how long loading boundaries/elevation.asc takes (reading,
// parsing, checking its .prj against the district's metric CRS), and walking-time throughput.
// Best of 7 runs each (and the first, cold one), release build: swift run -c release elevation-bench
import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeometry
import WanggeIO

let dir = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "boundaries"
let path = (dir as NSString).appendingPathComponent(DistrictBoundaries.elevationFile)

@discardableResult
func best<T>(_ label: String, runs: Int = 7, _ body: () throws -> T) rethrows -> T {
    var fastest = Double.infinity, first = 0.0
    var result: T?
    for run in 0..<runs {
        let t0 = DispatchTime.now().uptimeNanoseconds
        result = try body()
        let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        if run == 0 { first = ms }
        fastest = min(fastest, ms)
    }
    print(label.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%8.2f ms (first run %.2f ms)", fastest, first))
    return result!
}

let bytes = try best("read \(path) (\(try InputFile.read(path).count / 1024) KiB)") { try InputFile.read(path) }
try best("parse") { try ElevationModel(asciiGrid: bytes) }
let model = try best("loadElevation (read, parse, check .prj)") {
    try DistrictBoundaries.loadElevation(directory: dir, metricCRS: try DistrictBoundaries.loadProfile(directory: dir).metricCRS)!
}
// 1,000 straight 1 km walks from the raster's middle, sampled every 25 m (40 pieces each).
let centre = Coordinate((model.minX + model.maxX) / 2, (model.minY + model.maxY) / 2)
let walks = (0..<1000).map { k -> [Coordinate] in
    let a = Double(k) * 2 * Double.pi / 1000
    return [centre, Coordinate(centre.x + 1000 * cos(a), centre.y + 1000 * sin(a))]
}
let hours = best("1,000 walks of 1 km (Tobler, every 25 m)") { walks.reduce(0.0) { $0 + model.walk(along: $1).seconds } / 3600 }
print(String(format: "  mean walking time %.1f min per km", hours * 60 / 1000))
